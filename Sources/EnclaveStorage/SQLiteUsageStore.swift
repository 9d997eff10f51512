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
    /// The database the usage is in.
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
        try await database.read(passing: UsageStoreError.self, failure: UsageStoreError.unavailable, body)
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write(passing: UsageStoreError.self, failure: UsageStoreError.unavailable, body)
    }
}
