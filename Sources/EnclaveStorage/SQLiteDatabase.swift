// Enclave storage: the one SQLite database that every store shares.

public import EnclaveCore
import Foundation
import GRDB

/// Enclave's SQLite database (GRDB, WAL mode, `synchronous=FULL`), opened and migrated once and shared by
/// the stores (`SQLiteKeyStore`, `SQLiteIdentityStore`, …). Several processes may use the same file: the
/// server, and `enclave keys|users|teams …` while it runs.
///
/// ```swift
/// let database = try SQLiteDatabase(dataDirectory: "data")
/// let keys = SQLiteKeyStore(database: database)
/// let identities = SQLiteIdentityStore(database: database)
/// ```
public final class SQLiteDatabase: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool

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
            pool = try DatabasePool(path: path, configuration: configuration)
            try EnclaveMigrations.migrator.migrate(pool)
        } catch let error as KeyStoreError {
            throw error
        } catch {
            throw KeyStoreError.unavailable("cannot open the database \(path): \(Self.describe(error))")
        }
        self.path = path
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

    /// Runs `body` in a read transaction; errors that are not `passing` become `failure(message)`.
    func read<T: Sendable, E: Error>(
        passing: E.Type,
        failure: @escaping @Sendable (String) -> E,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as E {
            throw error
        } catch {
            throw failure("database read failed: \(Self.describe(error))")
        }
    }

    /// Runs `body` in a write transaction; errors that are not `passing` become `failure(message)`, and
    /// a violated unique constraint becomes `duplicate()` when it is given.
    func write<T: Sendable, E: Error>(
        passing: E.Type,
        failure: @escaping @Sendable (String) -> E,
        duplicate: (@Sendable () -> E)? = nil,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as E {
            throw error
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && duplicate != nil {
            throw duplicate?() ?? failure(Self.describe(error))
        } catch {
            throw failure("database write failed: \(Self.describe(error))")
        }
    }

    /// A database error's message, without the SQL and its arguments.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}
