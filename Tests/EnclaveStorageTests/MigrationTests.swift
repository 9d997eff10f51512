// Enclave storage tests: databases made by earlier versions open and keep their keys.

import EnclaveCore
import EnclaveStorage
import Foundation
import GRDB
import Testing

@Suite struct MigrationTests {
    /// A database exactly as the first schema (migration 001, before key scopes) left it, with two keys.
    static func makeVersion1Database(at path: String) throws -> (admin: APIKeySecret, user: APIKeySecret) {
        let admin = APIKeySecret.generate()
        let user = APIKeySecret.generate()
        let queue = try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("001-api-keys") { db in
            try db.create(table: "apiKey") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("prefix", .text).notNull()
                table.column("hash", .blob).notNull().unique()
                table.column("role", .text).notNull()
                table.column("createdAt", .datetime).notNull()
                table.column("lastUsedAt", .datetime)
                table.column("revokedAt", .datetime)
            }
            try db.execute(sql: "CREATE UNIQUE INDEX apiKey_activeName ON apiKey(name) WHERE revokedAt IS NULL")
        }
        try migrator.migrate(queue)
        try queue.write { db in
            for (id, name, secret, role) in [("k_00000000000000a1", "admin", admin, "admin"), ("k_00000000000000b2", "alice", user, "user")] {
                try db.execute(
                    sql: "INSERT INTO apiKey (id, name, prefix, hash, role, createdAt) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [id, name, secret.displayPrefix, Data(secret.hash.bytes), role, Date(timeIntervalSince1970: 1_700_000_000)]
                )
            }
        }
        try queue.close()
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return (admin, user)
    }

    /// Keys of the first schema move to the built-in admin user and keep exactly what they could do: the
    /// admin key everything (now spelt as every scope), the user key the API and not the admin routes.
    @Test func aVersion1DatabaseOpensAndKeepsWhatItsKeysCouldDo() async throws {
        let directory = TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        let secrets = try Self.makeVersion1Database(at: DataDirectory.databasePath(in: directory.path))

        let database = try SQLiteDatabase(dataDirectory: directory.path)
        let store = SQLiteKeyStore(database: database)
        let identities = SQLiteIdentityStore(database: database)
        let keys = try await store.list()
        #expect(keys.map(\.name) == ["admin", "alice"])
        #expect(keys.map(\.scopes) == [[.admin, .inference, .metrics], [.inference]])
        #expect(keys.allSatisfy { $0.userID == User.builtInAdminID && $0.allowedModels == nil && $0.expiresAt == nil })
        let owner = try #require(try await identities.user(id: User.builtInAdminID))
        #expect(owner.name == "admin" && owner.role == .admin && !owner.isDisabled)
        #expect(owner.createdAt == Date(timeIntervalSince1970: 1_700_000_000))
        let authenticator = KeyAuthenticator(store: store, identities: identities)
        let admin = try await authenticator.authenticate(secret: secrets.admin.value)
        let user = try await authenticator.authenticate(secret: secrets.user.value)
        #expect(admin.may(use: .metrics) && admin.may(use: .inference) && admin.isAdmin)
        #expect(user.may(use: .inference) && !user.may(use: .metrics) && !user.isAdmin)
        #expect(admin.id == User.builtInAdminID && user.id == User.builtInAdminID)

        // New keys with scopes sit beside the old ones.
        let (scraper, _) = try APIKey.issue(
            name: "prometheus",
            userID: User.builtInAdminID,
            scopes: [.metrics],
            at: Date(timeIntervalSince1970: 1_700_000_100)
        )
        try await store.create(scraper)
        let reopened = try SQLiteKeyStore(dataDirectory: directory.path)
        #expect(try await reopened.list().last == scraper)
    }

    @Test func scopesRoundTripThroughTheDatabase() async throws {
        let directory = TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteKeyStore(dataDirectory: directory.path)
        let (both, secret) = try APIKey.issue(name: "both", userID: User.builtInAdminID, scopes: [.metrics, .inference])
        try await store.create(both)
        #expect(try await store.find(hash: secret.hash)?.scopes == [.inference, .metrics])
    }
}
