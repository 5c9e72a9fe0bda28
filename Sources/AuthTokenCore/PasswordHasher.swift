import CArgon2
import Crypto
import Foundation
import Synchronization

/// Argon2id password hashing through libargon2, stored as PHC strings. Every hash runs on
/// the `PasswordQueue`, so a request that cannot be served soon gets `PasswordWorkBusy`
/// instead of a long wait.
///
/// Each hash mallocs `memoryKiB` at once. Only the queue's few threads hash, so glibc's
/// habit of keeping such blocks in each thread's arena holds RSS to about threads × 19 MiB
/// and spares a page fault per page on every hash (scripts/bench: 43 creates/s instead of
/// 29 with the blocks returned to the system after each hash).
public final class PasswordHasher: Sendable {
    public let parameters: Argon2Parameters
    public let queue: PasswordQueue
    private let hashes = Atomic<Int>(0)

    /// How many hashes and verifications ran so far. Throttling promises that a blocked
    /// request costs no hash; this is how tests hold it to that. Nothing else reads it.
    public var hashCount: Int { hashes.load(ordering: .relaxed) }

    static let saltLength = 16
    static let hashLength = 32

    public init(parameters: Argon2Parameters = .minimum, queue: PasswordQueue = PasswordQueue()) {
        self.parameters = parameters
        self.queue = queue
    }

    /// Hashes `password` with a fresh random salt.
    public func hash(_ password: String) throws -> String {
        let p = parameters
        return try Self.phc(try counted { Self.encode(password, p) })
    }

    /// A hash made on the calling thread, outside the queue and the count: only for values
    /// no person chose, made once at start (the decoy of `AuthService`).
    static func hashNow(_ password: String, parameters: Argon2Parameters) -> String {
        // Fails only for impossible parameters, which start-up has already refused.
        try! phc(encode(password, parameters))
    }

    private static func encode(_ password: String, _ p: Argon2Parameters) -> (Int32, [CChar]) {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        let length = argon2_encodedlen(
            p.iterations, p.memoryKiB, p.parallelism, UInt32(saltLength), UInt32(hashLength), Argon2_id)
        let bytes = Array(password.utf8)
        var encoded = [CChar](repeating: 0, count: length)
        let status = argon2id_hash_encoded(
            p.iterations, p.memoryKiB, p.parallelism, bytes, bytes.count,
            salt, salt.count, hashLength, &encoded, length)
        return (status, encoded)
    }

    private static func phc(_ result: (Int32, [CChar])) throws -> String {
        let (status, encoded) = result
        guard status == ARGON2_OK.rawValue else { throw PasswordHashError(code: status) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `password` matches `phc`. libargon2 compares the digests in constant time.
    /// Throws only `PasswordWorkBusy`.
    public func verify(_ password: String, against phc: String) throws -> Bool {
        let bytes = Array(password.utf8)
        return try counted { argon2id_verify(phc, bytes, bytes.count) } == ARGON2_OK.rawValue
    }

    /// True when `phc` was made with other parameters than the current ones, so it should
    /// be replaced after the next successful sign-in.
    public func needsRehash(_ phc: String) -> Bool {
        Argon2Parameters(phc: phc) != parameters
    }

    private func counted<T: Sendable>(_ body: @escaping @Sendable () -> T) throws -> T {
        try queue.run {
            self.hashes.add(1, ordering: .relaxed)
            return body()
        }
    }
}

/// libargon2 refused to hash (out of memory, bad parameters).
public struct PasswordHashError: Error, CustomStringConvertible {
    public let code: Int32
    public var description: String { String(cString: argon2_error_message(code)) }
}
