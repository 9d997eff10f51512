// Enclave core tests: session tokens, cookies, CSRF tokens, password rules and the `sessions:` section.

import EnclaveCore
import Foundation
import Testing

@Suite struct SessionTokenTests {
    @Test func aCookieIsAcceptedOnlyWithItsSignature() throws {
        let key = SessionKey.generate()
        let token = SessionToken.generate()
        let cookie = token.cookieValue(signedWith: key)
        #expect(SessionToken(cookieValue: cookie, signedWith: key) == token)
        #expect(SessionToken(cookieValue: cookie, signedWith: .generate()) == nil, "another server's key")
        let other = SessionToken.generate().value
        #expect(SessionToken(cookieValue: other + cookie.drop { $0 != "." }, signedWith: key) == nil, "a signature moved to another token")
        #expect(SessionToken(cookieValue: token.value, signedWith: key) == nil, "unsigned")
        #expect(SessionToken(cookieValue: "", signedWith: key) == nil)
        #expect(token.value.utf8.count == 43 && token.hash != SessionToken.generate().hash)
    }

    @Test func theCSRFTokenBelongsToItsSessionAndKey() {
        let key = SessionKey.generate()
        let token = SessionToken.generate()
        let csrf = token.csrfToken(signedWith: key)
        #expect(token.acceptsCSRFToken(csrf, signedWith: key))
        #expect(!token.acceptsCSRFToken(nil, signedWith: key))
        #expect(!token.acceptsCSRFToken("", signedWith: key))
        #expect(!SessionToken.generate().acceptsCSRFToken(csrf, signedWith: key))
        #expect(!token.acceptsCSRFToken(csrf, signedWith: .generate()))
    }

    @Test func aSessionExpiresWhenIdleOrOld() throws {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        var session = Session(id: "ses_1", tokenHash: SessionToken.generate().hash, userID: "usr_1", createdAt: start, lastSeenAt: start)
        #expect(!session.isExpired(at: start.addingTimeInterval(1799), idleTimeout: 1800, absoluteTimeout: 43_200))
        #expect(session.isExpired(at: start.addingTimeInterval(1800), idleTimeout: 1800, absoluteTimeout: 43_200))
        session.lastSeenAt = start.addingTimeInterval(43_000)
        #expect(session.isExpired(at: start.addingTimeInterval(43_200), idleTimeout: 1800, absoluteTimeout: 43_200))
    }

    @Test func passwordRules() async throws {
        #expect(PasswordHasher.problem(with: "") != nil)
        #expect(PasswordHasher.problem(with: "short12") != nil)
        #expect(PasswordHasher.problem(with: "long enough") == nil)
        #expect(PasswordHasher.problem(with: "tab\there!") != nil)
        #expect(PasswordHasher.problem(with: String(repeating: "é", count: 40)) != nil, "80 bytes")
        let hasher = PasswordHasher(cost: 4)
        let hash = try await hasher.hash("long enough")
        #expect(PasswordHasher.isBcryptHash(hash) && hash.hasPrefix("$2b$04$"))
        #expect(await hasher.verify("long enough", hash: hash))
        #expect(!(await hasher.verify("long enougH", hash: hash)))
        #expect(!(await hasher.verify("long enough", hash: nil)))
        #expect(!(await hasher.verify("long enough", hash: "not a hash")))
        await #expect(throws: IdentityStoreError.self) { try await hasher.hash("short") }
        #expect(PasswordHasher().cost == 12)
    }

    @Test func theSessionsSectionIsReadAndChecked() throws {
        let configuration = try EnclaveConfiguration(
            yaml: "sessions:\n  idle_minutes: 15\n  absolute_hours: 8\n  secure_cookie: true\n",
            environment: [:]
        )
        #expect(configuration.sessions == SessionSettings(idleMinutes: 15, absoluteHours: 8, secureCookie: true))
        #expect(try EnclaveConfiguration(yaml: "listen:\n  port: 1\n", environment: [:]).sessions == SessionSettings())
        for bad in [
            "sessions:\n  idle_minutes: 0\n", "sessions:\n  secure_cookie: yes please\n", "sessions:\n  idle: 3\n",
            "sessions:\n  idle_minutes: 600\n  absolute_hours: 1\n",
        ] {
            #expect(throws: ConfigurationError.self) { try EnclaveConfiguration(yaml: bad, environment: [:]) }
        }
        #expect {
            try EnclaveConfiguration(yaml: "sessions:\n  absolute_hours: 9999\n", source: "e.yaml", environment: [:])
        } throws: { error in
            "\(error)".contains("sessions.absolute_hours") && "\(error)".contains("e.yaml")
        }
    }
}

extension SessionTokenTests {
    @Test func anUnknownLoginIsCheckedAgainstARealCost12Hash() async throws {
        // The dummy hash must be a real bcrypt hash at the default cost, or unknown logins would answer
        // faster than wrong passwords (the live timing is in the report of the change, not asserted here:
        // parallel tests share the bcrypt slots).
        #expect(PasswordHasher.isBcryptHash(PasswordHasher.dummyHash))
        #expect(PasswordHasher.dummyHash.hasPrefix("$2b$\(PasswordHasher.defaultCost)$"))
        #expect(!(await PasswordHasher().verify("", hash: nil)))
    }
}
