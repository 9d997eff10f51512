// Enclave storage: API keys in SQLite.

public import EnclaveCore
public import Foundation
import GRDB

/// A ``KeyStore`` in Enclave's SQLite database (``SQLiteDatabase``).
///
/// ```swift
/// let store = SQLiteKeyStore(database: try SQLiteDatabase(dataDirectory: "data"))
/// try await store.create(key)
/// ```
public final class SQLiteKeyStore: KeyStore {
    /// The database the keys are in.
    public let database: SQLiteDatabase

    /// A store over an open database.
    public init(database: SQLiteDatabase) {
        self.database = database
    }

    /// Opens (creating if needed) the database at `path`; see ``SQLiteDatabase/init(path:)``.
    public convenience init(path: String) throws {
        self.init(database: try SQLiteDatabase(path: path))
    }

    /// Opens the database in a data directory; see ``SQLiteDatabase/init(dataDirectory:)``.
    public convenience init(dataDirectory: String) throws {
        self.init(database: try SQLiteDatabase(dataDirectory: dataDirectory))
    }

    public func create(_ key: APIKey) async throws {
        try await write { db in
            let sameName = "SELECT 1 FROM apiKey WHERE userID = ? AND name = ? AND revokedAt IS NULL"
            if try Bool.fetchOne(db, sql: sameName, arguments: [key.userID, key.name]) != nil {
                throw KeyStoreError.duplicateName(key.name)
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM apiKey WHERE id = ? OR hash = ?", arguments: [key.id, Data(key.hash.bytes)]) != nil {
                throw KeyStoreError.duplicateKey(key.id)
            }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE id = ?", arguments: [key.userID]) != nil else {
                throw KeyStoreError.notFound("user \(key.userID)")
            }
            try db.execute(
                sql: """
                    INSERT INTO apiKey (id, name, prefix, hash, userID, scopes, allowedModels, createdAt, expiresAt, lastUsedAt,
                                        revokedAt, managedBy)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key.id, key.name, key.prefix, Data(key.hash.bytes), key.userID, Self.stored(key.scopes),
                    key.allowedModels.map(Self.stored), key.createdAt, key.expiresAt, key.lastUsedAt, key.revokedAt, key.managedBy,
                ]
            )
        }
    }

    public func list() async throws -> [APIKey] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM apiKey ORDER BY createdAt, id").map(Self.key(from:))
        }
    }

    public func find(hash: KeyHash) async throws -> APIKey? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM apiKey WHERE hash = ?", arguments: [Data(hash.bytes)]).map(Self.key(from:))
        }
    }

    public func revoke(idOrName: String, ownedBy userID: String?, at date: Date) async throws -> APIKey {
        try await write { db in
            var rows = try Row.fetchAll(db, sql: "SELECT * FROM apiKey WHERE id = ? AND revokedAt IS NULL", arguments: [idOrName])
            if rows.isEmpty {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM apiKey WHERE name = ? AND revokedAt IS NULL", arguments: [idOrName])
            }
            var keys = try rows.map(Self.key(from:))
            if let userID { keys.removeAll { $0.userID != userID } }
            guard var key = keys.first else { throw KeyStoreError.notFound(idOrName) }
            guard keys.count == 1 else { throw KeyStoreError.ambiguous(idOrName) }
            key.revokedAt = date
            try db.execute(sql: "UPDATE apiKey SET revokedAt = ? WHERE id = ?", arguments: [date, key.id])
            return key
        }
    }

    public func touch(id: String, at date: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE apiKey SET lastUsedAt = ? WHERE id = ?", arguments: [date, id])
        }
    }

    public func update(_ key: APIKey) async throws {
        try await write { db in
            if key.isActive {
                let sameName = "SELECT 1 FROM apiKey WHERE userID = ? AND name = ? AND revokedAt IS NULL AND id != ?"
                if try Bool.fetchOne(db, sql: sameName, arguments: [key.userID, key.name, key.id]) != nil {
                    throw KeyStoreError.duplicateName(key.name)
                }
            }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE id = ?", arguments: [key.userID]) != nil else {
                throw KeyStoreError.notFound("user \(key.userID)")
            }
            try db.execute(
                sql: """
                    UPDATE apiKey SET name = ?, userID = ?, scopes = ?, allowedModels = ?, expiresAt = ?, revokedAt = ?, managedBy = ?
                    WHERE id = ?
                    """,
                arguments: [
                    key.name, key.userID, Self.stored(key.scopes), key.allowedModels.map(Self.stored), key.expiresAt, key.revokedAt,
                    key.managedBy, key.id,
                ]
            )
            guard db.changesCount == 1 else { throw KeyStoreError.notFound(key.id) }
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(passing: KeyStoreError.self, failure: KeyStoreError.unavailable, body)
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write(
            passing: KeyStoreError.self,
            failure: KeyStoreError.unavailable,
            duplicate: { KeyStoreError.duplicateKey("(unique constraint)") },
            body
        )
    }

    private static func key(from row: Row) throws -> APIKey {
        guard let hash: Data = row["hash"] else { throw KeyStoreError.corrupt("a stored key has no hash") }
        let models: String? = row["allowedModels"]
        return APIKey(
            id: row["id"],
            name: row["name"],
            prefix: row["prefix"],
            hash: try KeyHash(bytes: Array(hash)),
            userID: row["userID"],
            scopes: try scopes(from: row["scopes"]),
            allowedModels: models.map { Set($0.split(separator: " ").map(String.init)) },
            createdAt: row["createdAt"],
            expiresAt: row["expiresAt"],
            lastUsedAt: row["lastUsedAt"],
            revokedAt: row["revokedAt"],
            managedBy: row["managedBy"]
        )
    }

    /// Scopes as stored: their names, sorted, separated by spaces.
    private static func stored(_ scopes: Set<KeyScope>) -> String {
        scopes.sorted().map(\.rawValue).joined(separator: " ")
    }

    /// Model ids as stored: sorted, separated by spaces (model ids have no spaces: the config checks it).
    private static func stored(_ models: Set<String>) -> String {
        models.sorted().joined(separator: " ")
    }

    private static func scopes(from text: String) throws -> Set<KeyScope> {
        let scopes = Set(text.split(separator: " ").map { KeyScope(rawValue: String($0)) })
        guard !scopes.isEmpty else { throw KeyStoreError.corrupt("a stored key has no scopes") }
        return scopes
    }
}
