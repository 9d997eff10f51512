// Enclave storage: the contract every SessionStore keeps, run against each implementation.

import EnclaveCore
import EnclaveStorage
import EnclaveTesting
import Foundation
import Testing

@Suite struct SessionStoreContractTests {
    static func date(_ offset: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(1_700_000_000 + offset)) }

    /// Stores with two users (the SQLite store checks that a session's user exists).
    static func stores(_ kind: StoreKind) async throws -> (EnclaveStores, User, User) {
        let stores = try kind.makeStores()
        let alice = try User.make(name: "alice", at: date(0))
        let bob = try User.make(name: "bob", at: date(0))
        try await stores.identities.createUser(alice)
        try await stores.identities.createUser(bob)
        return (stores, alice, bob)
    }

    static func session(_ userID: String, created: Int = 0, seen: Int? = nil, address: String? = "10.0.0.1") -> (Session, SessionToken) {
        let token = SessionToken.generate()
        let session = Session(
            id: RandomIdentifier.make(prefix: "ses_"),
            tokenHash: token.hash,
            userID: userID,
            createdAt: date(created),
            lastSeenAt: date(seen ?? created),
            clientAddress: address
        )
        return (session, token)
    }

    @Test(arguments: StoreKind.allCases)
    func sessionsAreFoundByTheirTokensHashOnly(kind: StoreKind) async throws {
        let (stores, alice, _) = try await Self.stores(kind)
        let store = stores.sessions
        let (session, token) = Self.session(alice.id, address: nil)
        try await store.createSession(session)
        #expect(try await store.session(tokenHash: token.hash) == session)
        #expect(try await store.session(tokenHash: SessionToken.generate().hash) == nil)
        await #expect {
            try await store.createSession(session)
        } throws: { error in
            (error as? SessionStoreError)?.code == .duplicate
        }
        try await store.touchSession(id: session.id, at: Self.date(90))
        #expect(try await store.session(tokenHash: token.hash)?.lastSeenAt == Self.date(90))
        try await store.deleteSession(id: session.id)
        #expect(try await store.session(tokenHash: token.hash) == nil)
        try await store.deleteSession(id: session.id)
    }

    @Test(arguments: StoreKind.allCases)
    func aUsersSessionsAreListedAndDeletedTogether(kind: StoreKind) async throws {
        let (stores, alice, bob) = try await Self.stores(kind)
        let store = stores.sessions
        let first = Self.session(alice.id, created: 1).0
        let second = Self.session(alice.id, created: 2).0
        let bobs = Self.session(bob.id).0
        for session in [second, bobs, first] { try await store.createSession(session) }
        #expect(try await store.sessions(ofUser: alice.id) == [first, second])
        #expect(try await store.deleteSessions(ofUser: alice.id) == 2)
        #expect(try await store.sessions(ofUser: alice.id).isEmpty)
        #expect(try await store.sessions(ofUser: bob.id) == [bobs])
    }

    @Test(arguments: StoreKind.allCases)
    func expiredSessionsArePurged(kind: StoreKind) async throws {
        let (stores, alice, _) = try await Self.stores(kind)
        let store = stores.sessions
        let idle = Self.session(alice.id, created: 100, seen: 100).0
        let old = Self.session(alice.id, created: 0, seen: 900).0
        let live = Self.session(alice.id, created: 500, seen: 900).0
        for session in [idle, old, live] { try await store.createSession(session) }
        #expect(try await store.deleteSessions(lastSeenBefore: Self.date(200), createdBefore: Self.date(50)) == 2)
        #expect(try await store.sessions(ofUser: alice.id) == [live])
    }

    @Test func theSQLiteStoreKeepsSessionsAcrossReopeningAndNeverTheToken() async throws {
        let directory = TemporaryDirectory.make().path
        let user = try User.make(name: "alice", at: Self.date(0))
        let (session, token) = Self.session(user.id)
        do {
            let stores = try SQLiteDatabase(dataDirectory: directory).stores()
            try await stores.identities.createUser(user)
            try await stores.sessions.createSession(session)
        }
        let reopened = try SQLiteDatabase(dataDirectory: directory).stores()
        #expect(try await reopened.sessions.session(tokenHash: token.hash) == session)
        let bytes =
            try Data(contentsOf: URL(fileURLWithPath: DataDirectory.databasePath(in: directory)))
            + ((try? Data(contentsOf: URL(fileURLWithPath: DataDirectory.databasePath(in: directory) + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data(token.value.utf8)) == nil, "the token itself is never stored")
    }

    @Test(arguments: StoreKind.allCases)
    func passwordHashesGoThroughThePasswordStore(kind: StoreKind) async throws {
        let (stores, alice, bob) = try await Self.stores(kind)
        try await stores.passwords.setPasswordHash("$2b$04$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234", userID: alice.id)
        #expect(try await stores.passwords.passwordHash(userID: alice.id)?.hasPrefix("$2b$04$") == true)
        #expect(try await stores.passwords.passwordHash(userID: bob.id) == nil)
        try await stores.passwords.setPasswordHash(nil, userID: alice.id)
        #expect(try await stores.passwords.passwordHash(userID: alice.id) == nil)
    }

    @Test func theSessionKeyIsMadeOnceAndKeptPrivate() throws {
        let directory = TemporaryDirectory.make().path
        let first = try SessionKeyFile.loadOrCreate(in: directory)
        let path = SessionKeyFile.path(in: directory)
        #expect(try DataDirectory.mode(of: path) == 0o600)
        #expect(try SessionKeyFile.loadOrCreate(in: directory).bytes == first.bytes)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect {
            try SessionKeyFile.loadOrCreate(in: directory)
        } throws: { error in
            (error as? KeyStoreError)?.code == .insecurePermissions
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        #expect(throws: KeyStoreError.self) { try SessionKeyFile.loadOrCreate(in: directory) }
    }
}
