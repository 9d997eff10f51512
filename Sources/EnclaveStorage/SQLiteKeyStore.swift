// Enclave storage: API keys in SQLite.

public import EnclaveCore
public import Foundation
import GRDB

/// A ``KeyStore`` in an SQLite database (GRDB, WAL mode). Several processes may use the same file: the
/// server, and `enclave keys ...` while it runs.
///
/// ```swift
/// let store = try SQLiteKeyStore(path: "data/enclave.sqlite")
/// try await store.create(key)
/// ```
public final class SQLiteKeyStore: KeyStore {
    private let database: DatabasePool

    /// Opens (creating if needed) the database at `path` and brings its schema up to date. A new database is
    /// created with mode `0600`, and the database and its WAL files are kept at `0600`.
    /// - Throws: ``KeyStoreError`` `unavailable` if the file cannot be opened or migrated,
    ///   `insecurePermissions` if an existing database (or its WAL files) may be read or written by others.
    public init(path: String) throws {
        try DataDirectory.prepareDatabaseFile(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Every acknowledged write survives a crash or a power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            try EnclaveMigrations.migrator.migrate(database)
        } catch let error as KeyStoreError {
            throw error
        } catch {
            throw KeyStoreError.unavailable("cannot open the database \(path): \(Self.describe(error))")
        }
        try DataDirectory.restrictDatabaseFiles(path)
    }

    /// Opens the database in a data directory (`<directory>/enclave.sqlite`), creating the directory with
    /// owner-only permissions (`0700`) if it does not exist.
    /// - Throws: ``KeyStoreError`` `insecurePermissions` if the directory or the database may be read or written
    ///   by group or others (the message names the `chmod` that fixes it).
    public convenience init(dataDirectory: String) throws {
        try DataDirectory.prepare(dataDirectory)
        try self.init(path: DataDirectory.databasePath(in: dataDirectory))
    }

    public func create(_ key: APIKey) async throws {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM apiKey WHERE name = ? AND revokedAt IS NULL", arguments: [key.name]) != nil {
                throw KeyStoreError.duplicateName(key.name)
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM apiKey WHERE id = ? OR hash = ?", arguments: [key.id, Data(key.hash.bytes)]) != nil {
                throw KeyStoreError.duplicateKey(key.id)
            }
            try db.execute(
                sql: """
                    INSERT INTO apiKey (id, name, prefix, hash, role, scopes, createdAt, lastUsedAt, revokedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key.id, key.name, key.prefix, Data(key.hash.bytes), key.role.rawValue, Self.stored(key.scopes), key.createdAt,
                    key.lastUsedAt, key.revokedAt,
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

    public func revoke(idOrName: String, at date: Date) async throws -> APIKey {
        try await write { db in
            let row =
                try Row.fetchOne(db, sql: "SELECT * FROM apiKey WHERE id = ? AND revokedAt IS NULL", arguments: [idOrName])
                ?? Row.fetchOne(db, sql: "SELECT * FROM apiKey WHERE name = ? AND revokedAt IS NULL", arguments: [idOrName])
            guard let row else { throw KeyStoreError.notFound(idOrName) }
            var key = try Self.key(from: row)
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

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.read(body)
        } catch let error as KeyStoreError {
            throw error
        } catch {
            throw KeyStoreError.unavailable("database read failed: \(Self.describe(error))")
        }
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.write(body)
        } catch let error as KeyStoreError {
            throw error
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw KeyStoreError.duplicateKey("(unique constraint)")
        } catch {
            throw KeyStoreError.unavailable("database write failed: \(Self.describe(error))")
        }
    }

    private static func key(from row: Row) throws -> APIKey {
        guard let hash: Data = row["hash"] else { throw KeyStoreError.corrupt("a stored key has no hash") }
        return APIKey(
            id: row["id"],
            name: row["name"],
            prefix: row["prefix"],
            hash: try KeyHash(bytes: Array(hash)),
            role: Role(rawValue: row["role"]),
            scopes: try scopes(from: row["scopes"]),
            createdAt: row["createdAt"],
            lastUsedAt: row["lastUsedAt"],
            revokedAt: row["revokedAt"]
        )
    }

    /// Scopes as stored: their names, sorted, separated by spaces.
    private static func stored(_ scopes: Set<KeyScope>) -> String {
        scopes.sorted().map(\.rawValue).joined(separator: " ")
    }

    private static func scopes(from text: String) throws -> Set<KeyScope> {
        let scopes = Set(text.split(separator: " ").map { KeyScope(rawValue: String($0)) })
        guard !scopes.isEmpty else { throw KeyStoreError.corrupt("a stored key has no scopes") }
        return scopes
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}
