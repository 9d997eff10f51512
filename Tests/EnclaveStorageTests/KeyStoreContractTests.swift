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
        switch self {
        case .memory: InMemoryKeyStore()
        case .sqlite: try SQLiteKeyStore(dataDirectory: TemporaryDirectory.make().path)
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

    static func key(_ name: String, role: Role = .user, at offset: Int = 0) throws -> (APIKey, APIKeySecret) {
        try APIKey.issue(name: name, role: role, at: date(offset))
    }

    @Test(arguments: StoreKind.allCases)
    func createdKeysAreListedOldestFirst(kind: StoreKind) async throws {
        let store = try kind.make()
        #expect(try await store.list().isEmpty)
        let (second, _) = try Self.key("second", at: 10)
        let (first, _) = try Self.key("first", role: .admin, at: 5)
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
        let (key, _) = try APIKey.issue(name: "durable", role: .admin, at: Date(timeIntervalSince1970: 1_700_000_000))
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
        try await store.create(try APIKey.issue(name: "x", role: .user).key)
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
