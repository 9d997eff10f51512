// Enclave storage: the contract every KeyStore keeps, run against each implementation.

import EnclaveCore
import EnclaveStorage
import EnclaveTesting
import Foundation
import Testing

/// The stores under test; each test gets a fresh one.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case memory, sqlite

    var testDescription: String { rawValue }

    func make() throws -> any KeyStore {
        try makeStores().keys
    }

    /// Every store, over one fresh database for SQLite, with the built-in admin user.
    func makeStores() throws -> EnclaveStores {
        switch self {
        case .memory: .inMemory()
        case .sqlite: try SQLiteDatabase(dataDirectory: TemporaryDirectory.make().path).stores()
        }
    }
}

enum TemporaryDirectory {
    static func make() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("enclave-store-\(UUID().uuidString)")
    }
}

@Suite struct KeyStoreContractTests {
    /// Dates with whole seconds, which every store keeps exactly.
    static func date(_ offset: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(1_700_000_000 + offset)) }

    static func key(
        _ name: String,
        userID: String = User.builtInAdminID,
        scopes: Set<KeyScope> = KeyScope.defaultScopes,
        at offset: Int = 0
    ) throws -> (APIKey, APIKeySecret) {
        try APIKey.issue(name: name, userID: userID, scopes: scopes, at: date(offset))
    }

    @Test(arguments: StoreKind.allCases)
    func createdKeysAreListedOldestFirst(kind: StoreKind) async throws {
        let store = try kind.make()
        #expect(try await store.list().isEmpty)
        let (second, _) = try Self.key("second", at: 10)
        let (first, _) = try Self.key("first", userID: User.builtInAdminID, scopes: KeyScope.adminScopes, at: 5)
        try await store.create(second)
        try await store.create(first)
        #expect(try await store.list() == [first, second])
    }

    @Test(arguments: StoreKind.allCases)
    func findsByHashOnly(kind: StoreKind) async throws {
        let store = try kind.make()
        let (key, secret) = try Self.key("alice")
        try await store.create(key)
        #expect(try await store.find(hash: secret.hash) == key)
        #expect(try await store.find(hash: APIKeySecret.generate().hash) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func activeNamesAreUnique(kind: StoreKind) async throws {
        let store = try kind.make()
        let (key, _) = try Self.key("team")
        try await store.create(key)
        let (again, _) = try Self.key("team", at: 1)
        await #expect {
            try await store.create(again)
        } throws: { error in
            (error as? KeyStoreError)?.code == .duplicateName
        }
        _ = try await store.revoke(idOrName: "team", at: Self.date(2))
        try await store.create(again)
        #expect(try await store.list().map(\.name) == ["team", "team"])
    }

    @Test(arguments: StoreKind.allCases)
    func namesAreUniquePerUserAndRevokingByANameTwoUsersShareNeedsTheOwner(kind: StoreKind) async throws {
        let stores = try kind.makeStores()
        let bob = try User.make(name: "bob", at: Self.date(0))
        try await stores.identities.createUser(bob)
        let (mine, _) = try Self.key("laptop")
        let (his, _) = try Self.key("laptop", userID: bob.id, at: 1)
        try await stores.keys.create(mine)
        try await stores.keys.create(his)
        #expect(try await stores.keys.list(ownedBy: bob.id) == [his])
        await #expect {
            _ = try await stores.keys.revoke(idOrName: "laptop", at: Self.date(2))
        } throws: { error in
            (error as? KeyStoreError)?.code == .ambiguous
        }
        await #expect {
            _ = try await stores.keys.revoke(idOrName: mine.id, ownedBy: bob.id, at: Self.date(2))
        } throws: { error in
            (error as? KeyStoreError)?.code == .notFound
        }
        #expect(try await stores.keys.revoke(idOrName: "laptop", ownedBy: bob.id, at: Self.date(2)).id == his.id)
        #expect(try await stores.keys.revoke(idOrName: "laptop", at: Self.date(3)).id == mine.id)
    }

    @Test(arguments: StoreKind.allCases)
    func modelsAndExpiryRoundTrip(kind: StoreKind) async throws {
        let store = try kind.make()
        let (key, secret) = try APIKey.issue(
            name: "narrow",
            userID: User.builtInAdminID,
            allowedModels: ["gemma-3-270m", "smollm2-135m"],
            expiresAt: Self.date(86_400),
            at: Self.date(0)
        )
        try await store.create(key)
        let found = try #require(try await store.find(hash: secret.hash))
        #expect(found == key)
        #expect(found.allowedModels == ["gemma-3-270m", "smollm2-135m"] && found.expiresAt == Self.date(86_400))
        #expect(found.isExpired(at: Self.date(86_400)) && !found.isExpired(at: Self.date(86_399)))
    }

    @Test(arguments: StoreKind.allCases)
    func duplicateIDsAndSecretsAreRejected(kind: StoreKind) async throws {
        let store = try kind.make()
        let (key, _) = try Self.key("one")
        try await store.create(key)
        var sameID = try Self.key("two").0
        sameID.id = key.id
        var sameHash = try Self.key("three").0
        sameHash.hash = key.hash
        for duplicate in [sameID, sameHash] {
            await #expect {
                try await store.create(duplicate)
            } throws: { error in
                (error as? KeyStoreError)?.code == .duplicateKey
            }
        }
        #expect(try await store.list().count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func revokeByIDOrName(kind: StoreKind) async throws {
        let store = try kind.make()
        let (byID, _) = try Self.key("by-id")
        let (byName, secret) = try Self.key("by-name", at: 1)
        try await store.create(byID)
        try await store.create(byName)

        let revokedByID = try await store.revoke(idOrName: byID.id, at: Self.date(100))
        #expect(revokedByID.id == byID.id)
        #expect(revokedByID.revokedAt == Self.date(100))
        let revokedByName = try await store.revoke(idOrName: "by-name", at: Self.date(101))
        #expect(revokedByName.id == byName.id)

        let found = try #require(try await store.find(hash: secret.hash))
        #expect(!found.isActive)
        #expect(found.revokedAt == Self.date(101))
        #expect(try await store.list().allSatisfy { !$0.isActive })
    }

    @Test(arguments: StoreKind.allCases)
    func revokingAnUnknownOrRevokedKeyIsNotFound(kind: StoreKind) async throws {
        let store = try kind.make()
        let (key, _) = try Self.key("once")
        try await store.create(key)
        _ = try await store.revoke(idOrName: "once", at: Self.date(1))
        for target in ["once", key.id, "never-existed"] {
            await #expect {
                _ = try await store.revoke(idOrName: target, at: Self.date(2))
            } throws: { error in
                (error as? KeyStoreError)?.code == .notFound
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func touchRecordsLastUse(kind: StoreKind) async throws {
        let store = try kind.make()
        let (key, _) = try Self.key("used")
        try await store.create(key)
        #expect(try await store.find(hash: key.hash)?.lastUsedAt == nil)
        try await store.touch(id: key.id, at: Self.date(42))
        #expect(try await store.find(hash: key.hash)?.lastUsedAt == Self.date(42))
        try await store.touch(id: "k_ffffffffffffffff", at: Self.date(43))
        #expect(try await store.list().count == 1)
    }
}

@Suite struct SQLiteKeyStoreTests {
    @Test func keysSurviveReopening() async throws {
        let directory = TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (key, _) = try APIKey.issue(
            name: "durable",
            userID: User.builtInAdminID,
            scopes: KeyScope.adminScopes,
            at: Date(timeIntervalSince1970: 1_700_000_000)
        )
        do {
            let store = try SQLiteKeyStore(dataDirectory: directory.path)
            try await store.create(key)
        }
        let reopened = try SQLiteKeyStore(dataDirectory: directory.path)
        #expect(try await reopened.list() == [key])
    }

    @Test func dataDirectoryIsCreatedPrivateWithAWALDatabase() async throws {
        let directory = TemporaryDirectory.make().appendingPathComponent("nested")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let store = try SQLiteKeyStore(dataDirectory: directory.path)
        try await store.create(try APIKey.issue(name: "x", userID: User.builtInAdminID).key)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect(FileManager.default.fileExists(atPath: DataDirectory.databasePath(in: directory.path)))
        #expect(FileManager.default.fileExists(atPath: DataDirectory.databasePath(in: directory.path) + "-wal"))
    }

    @Test func aFileInPlaceOfTheDirectoryIsAClearError() throws {
        let path = TemporaryDirectory.make().path
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try SQLiteKeyStore(dataDirectory: path)
        } throws: { error in
            (error as? KeyStoreError)?.code == .unavailable
        }
    }

    @Test func aCorruptDatabaseIsAClearError() throws {
        let directory = TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let database = DataDirectory.databasePath(in: directory.path)
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: database))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: database)
        #expect {
            _ = try SQLiteKeyStore(dataDirectory: directory.path)
        } throws: { error in
            (error as? KeyStoreError)?.code == .unavailable
        }
    }
}
