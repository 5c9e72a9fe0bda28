/// Cost parameters for Argon2id.
///
/// The defaults are OWASP's minimum recommendation for Argon2id (19 MiB, 2 passes, one
/// lane). `minimum` is enforced by the configuration so nobody weakens it by accident.
public struct Argon2Parameters: Sendable, Equatable, CustomStringConvertible {
    public var memoryKiB: UInt32
    public var iterations: UInt32
    public var parallelism: UInt32

    public init(memoryKiB: UInt32 = 19_456, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    public static let minimum = Argon2Parameters()

    /// The PHC fragment, e.g. `m=19456,t=2,p=1`.
    public var description: String { "m=\(memoryKiB),t=\(iterations),p=\(parallelism)" }

    /// Reads the parameters out of an encoded `$argon2id$v=19$m=…,t=…,p=…$salt$hash`
    /// string; nil when it is not an Argon2id v1.3 hash.
    public init?(phc: String) {
        let parts = phc.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[1] == "argon2id", parts[2] == "v=19" else { return nil }
        var values: [Substring: UInt32] = [:]
        for field in parts[3].split(separator: ",") {
            let pair = field.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let value = UInt32(pair[1]) else { return nil }
            values[pair[0]] = value
        }
        guard let m = values["m"], let t = values["t"], let p = values["p"] else { return nil }
        self.init(memoryKiB: m, iterations: t, parallelism: p)
    }
}
