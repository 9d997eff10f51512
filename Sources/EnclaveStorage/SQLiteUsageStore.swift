// Enclave storage: usage in SQLite.

public import EnclaveCore
import GRDB

/// A ``UsageStore`` in the SQLite database (table `usageDaily`, migration `005-usage`): one row per UTC
/// day, user, team, model and key, added to with an UPSERT by each finished request. Several processes
/// may use the same file: the server records while `enclave usage` reads.
///
/// ```swift
/// let store = try SQLiteUsageStore(dataDirectory: "data")
/// try await store.record(record)
/// ```
public final class SQLiteUsageStore: UsageStore {
    private let database: DatabasePool

    /// Opens (creating if needed) the database at `path` and brings its schema up to date, with the same
    /// settings and file permissions as ``SQLiteKeyStore`` (WAL, `synchronous = FULL`, mode `0600`).
    /// - Throws: ``UsageStoreError`` `unavailable` if the file cannot be opened or migrated; ``KeyStoreError``
    ///   `insecurePermissions` if an existing database may be read or written by others.
    public init(path: String) throws {
        try DataDirectory.prepareDatabaseFile(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            try EnclaveMigrations.migrator.migrate(database)
        } catch {
            throw UsageStoreError.unavailable("cannot open the database \(path): \(Self.describe(error))")
        }
        try DataDirectory.restrictDatabaseFiles(path)
    }

    /// Opens the database in a data directory (`<directory>/enclave.sqlite`), creating the directory with
    /// owner-only permissions (`0700`) if it does not exist.
    public convenience init(dataDirectory: String) throws {
        try DataDirectory.prepare(dataDirectory)
        try self.init(path: DataDirectory.databasePath(in: dataDirectory))
    }

    public func record(_ record: UsageRecord) async throws {
        try record.validate()
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO usageDaily (day, userID, teamID, model, keyID, requests, promptTokens, completionTokens)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (day, userID, teamID, model, keyID) DO UPDATE SET
                        requests = requests + excluded.requests,
                        promptTokens = promptTokens + excluded.promptTokens,
                        completionTokens = completionTokens + excluded.completionTokens
                    """,
                arguments: [
                    record.day.description, record.userID, record.teamID ?? "", record.model, record.keyID ?? "", record.requests,
                    record.promptTokens, record.completionTokens,
                ]
            )
        }
    }

    public func totals(for subject: LimitSubject, from start: UsageDay, through end: UsageDay?) async throws -> UsageTotals {
        // '' stands for "no team" or "no key" in the table; no subject has that id.
        guard !subject.id.isEmpty else { return .zero }
        let column =
            switch subject.kind {
            case .key: "keyID"
            case .team: "teamID"
            default: "userID"
            }
        return try await read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(promptTokens), 0) AS promptTokens,
                        COALESCE(SUM(completionTokens), 0) AS completionTokens
                    FROM usageDaily WHERE \(column) = ? AND day >= ? AND day <= ?
                    """,
                arguments: [subject.id, start.description, end?.description ?? "9999-12-31"]
            )
            guard let row else { return .zero }
            return UsageTotals(requests: row["requests"], promptTokens: row["promptTokens"], completionTokens: row["completionTokens"])
        }
    }

    public func usage(from start: UsageDay, through end: UsageDay, by grouping: UsageGrouping) async throws -> [UsageRow] {
        let column =
            switch grouping {
            case .user: "userID"
            case .team: "teamID"
            case .model: "model"
            case .key: "keyID"
            }
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT day, \(column) AS grouped, SUM(requests) AS requests, SUM(promptTokens) AS promptTokens,
                        SUM(completionTokens) AS completionTokens
                    FROM usageDaily WHERE day >= ? AND day <= ?
                    GROUP BY day, \(column) ORDER BY day, \(column)
                    """,
                arguments: [start.description, end.description]
            ).map { row in
                let text: String = row["day"]
                guard let day = UsageDay(text) else { throw UsageStoreError.corrupt("a usage row has the invalid day '\(text)'") }
                let group: String = row["grouped"]
                return UsageRow(
                    day: day,
                    group: group.isEmpty ? nil : group,
                    totals: UsageTotals(requests: row["requests"], promptTokens: row["promptTokens"], completionTokens: row["completionTokens"])
                )
            }
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.read(body)
        } catch let error as UsageStoreError {
            throw error
        } catch {
            throw UsageStoreError.unavailable("database read failed: \(Self.describe(error))")
        }
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.write(body)
        } catch let error as UsageStoreError {
            throw error
        } catch {
            throw UsageStoreError.unavailable("database write failed: \(Self.describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}
