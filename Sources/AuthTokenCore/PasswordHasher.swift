import CArgon2
import Crypto
import Dispatch
import Foundation

/// Argon2id password hashing through libargon2, stored as PHC strings.
///
/// Each hash takes `memoryKiB` of memory and tens of milliseconds of one core, so the
/// number running at once is bounded by a semaphore: a burst of logins queues here instead
/// of exhausting memory or starving the worker threads that serve token checks.
public final class PasswordHasher: @unchecked Sendable {
    public let parameters: Argon2Parameters
    private let gate: DispatchSemaphore
    private let counter = NSLock()
    private var hashes = 0

    /// How many hashes and verifications ran so far. Throttling promises that a blocked
    /// request costs no hash; this is how tests hold it to that. Nothing else reads it.
    public var hashCount: Int { counter.withLock { hashes } }

    static let saltLength = 16
    static let hashLength = 32

    public init(parameters: Argon2Parameters = .minimum, maxConcurrent: Int = 2) {
        self.parameters = parameters
        self.gate = DispatchSemaphore(value: max(1, maxConcurrent))
    }

    /// Hashes `password` with a fresh random salt.
    public func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: Self.saltLength)
        SymmetricKey(size: .bits128).withUnsafeBytes { salt = Array($0) }
        let p = parameters
        let length = argon2_encodedlen(
            p.iterations, p.memoryKiB, p.parallelism, UInt32(Self.saltLength),
            UInt32(Self.hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let bytes = Array(password.utf8)
        let status = gated {
            argon2id_hash_encoded(
                p.iterations, p.memoryKiB, p.parallelism, bytes, bytes.count,
                salt, salt.count, Self.hashLength, &encoded, length)
        }
        guard status == ARGON2_OK.rawValue else { throw PasswordHashError(code: status) }
        return String(cString: encoded)
    }

    /// True when `password` matches `phc`. libargon2 compares the digests in constant time.
    public func verify(_ password: String, against phc: String) -> Bool {
        let bytes = Array(password.utf8)
        let status = gated { argon2id_verify(phc, bytes, bytes.count) }
        return status == ARGON2_OK.rawValue
    }

    /// True when `phc` was made with other parameters than the current ones, so it should
    /// be replaced after the next successful sign-in.
    public func needsRehash(_ phc: String) -> Bool {
        Argon2Parameters(phc: phc) != parameters
    }

    /// Each hash mallocs `memoryKiB` at once. glibc raises its mmap threshold after the
    /// first such block is freed and from then on keeps them in per-thread arenas, so a
    /// server's RSS grows towards threads × 19 MiB. A fixed threshold keeps the blocks
    /// mmapped, so each is returned to the system when its hash is done. Process-wide;
    /// call it once at start.
    public static func returnMemoryAfterEachHash() {
        mallopt(M_MMAP_THRESHOLD, 256 * 1024)
    }

    private func gated(_ body: () -> Int32) -> Int32 {
        counter.withLock { hashes += 1 }
        gate.wait()
        defer { gate.signal() }
        return body()
    }
}

/// libargon2 refused to hash (out of memory, bad parameters).
public struct PasswordHashError: Error, CustomStringConvertible {
    public let code: Int32
    public var description: String { String(cString: argon2_error_message(code)) }
}
