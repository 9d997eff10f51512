// Enclave server tests: logins, failures, lockouts and logouts in the audit log.

import EnclaveCore
import EnclaveTesting
import Foundation
import Testing

@Suite struct LoginAuditTests {
    struct Fixture {
        let audit = InMemoryAuditLog()
        let stores: EnclaveStores
        let sessions: SessionAuthenticator
        let alice: User

        init() async throws {
            var stores = EnclaveStores.inMemory()
            stores.audit = audit
            self.stores = stores
            alice = try await IdentityAdministration(stores: stores).createUser(name: "alice")
            try await stores.passwords.setPasswordHash(try await PasswordHasher(cost: 4).hash("correct horse battery"), userID: alice.id)
            // The default events: the stores' audit log.
            sessions = SessionAuthenticator(
                stores: stores,
                key: .generate(),
                hasher: PasswordHasher(cost: 4),
                lockout: LoginThrottle.Policy(threshold: 2, addressThreshold: 100)
            )
        }

        func records() async throws -> [AuditRecord] {
            try await audit.records(from: 1, limit: 100)
        }
    }

    @Test func loginsFailuresLockoutsAndLogoutsAreAuditedWithoutTheTypedLogin() async throws {
        let fixture = try await Fixture()
        let login = try await fixture.sessions.login("alice", password: "correct horse battery", clientAddress: "10.0.0.7")
        let authenticated = try await fixture.sessions.authenticate(cookieValue: login.cookieValue)
        try await fixture.sessions.logout(authenticated, clientAddress: "10.0.0.7")
        for _ in 0..<2 {
            await #expect(throws: SessionError.self) {
                _ = try await fixture.sessions.login("alice", password: "my-password-typed-as-login", clientAddress: "10.0.0.8")
            }
        }
        // Someone types their password into the login field: it must not be recorded.
        await #expect(throws: SessionError.self) {
            _ = try await fixture.sessions.login("hunter2-secret", password: "x", clientAddress: "10.0.0.9")
        }
        let records = try await fixture.records()
        #expect(
            records.map(\.entry.action.rawValue) == ["user.create", "login", "logout", "login_failed", "login_failed", "lockout", "login_failed"]
        )
        let loginRecord = records[1].entry
        #expect(loginRecord.actor.userID == fixture.alice.id)
        #expect(loginRecord.actor.sessionID == login.session.id)
        #expect(loginRecord.actor.clientAddress == "10.0.0.7")
        #expect(loginRecord.outcome == .success)
        #expect(records[3].entry.outcome == .refused)
        #expect(records[3].entry.reason == "bad_credentials")
        #expect(records[5].entry.reason == "account_locked")
        #expect(records[6].entry.target == nil)
        let stored = records.map { String(decoding: AuditCanonicalEncoding.bytes(of: $0), as: UTF8.self) }
        for text in stored {
            #expect(!text.contains("hunter2"))
            #expect(!text.contains("typed-as-login"))
            #expect(!text.contains("correct horse"))
        }
        guard case .intact(let count, _, _) = try await fixture.audit.verify(publicKey: nil) else {
            Issue.record("the chain does not verify")
            return
        }
        #expect(count == records.count)
    }

    @Test func noLoginWithoutItsAuditRecord() async throws {
        let fixture = try await Fixture()
        await fixture.audit.failAppends(true)
        await #expect(throws: AuditLogError.self) {
            _ = try await fixture.sessions.login("alice", password: "correct horse battery", clientAddress: "10.0.0.7")
        }
        #expect(try await fixture.stores.sessions.sessions(ofUser: fixture.alice.id).isEmpty)
    }
}
