import AuthTokenCore
import Testing

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher()

    @Test func hashesToAnArgon2idPHCStringThatVerifies() throws {
        let phc = try hasher.hash("correct horse battery staple")
        #expect(phc.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(try hasher.verify("correct horse battery staple", against: phc))
        #expect(try !hasher.verify("correct horse battery stapl", against: phc))
        #expect(try !hasher.verify("", against: phc))
    }

    @Test func saltsEveryHash() throws {
        #expect(try hasher.hash("same password") != hasher.hash("same password"))
    }

    @Test func asksForARehashWhenTheParametersChanged() throws {
        let old = try PasswordHasher(parameters: Argon2Parameters(memoryKiB: 19_456, iterations: 3)).hash("pw")
        #expect(hasher.needsRehash(old))
        #expect(!hasher.needsRehash(try hasher.hash("pw")))
        #expect(hasher.needsRehash("not a hash"))
    }

    @Test func readsParametersBackFromAPHCString() {
        #expect(Argon2Parameters(phc: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")
            == Argon2Parameters(memoryKiB: 65_536, iterations: 3, parallelism: 4))
        #expect(Argon2Parameters(phc: "$argon2i$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA") == nil)
    }

    @Test func verifyingGarbageIsFalseNotACrash() throws {
        #expect(try !hasher.verify("pw", against: ""))
        #expect(try !hasher.verify("pw", against: "$argon2id$v=19$m=1,t=1,p=1$$"))
    }
}
