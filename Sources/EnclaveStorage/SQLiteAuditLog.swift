// Enclave storage: the audit log in SQLite.

public import EnclaveCore
public import Foundation
import GRDB

/// An ``AuditLog`` in the SQLite database (tables `auditLog` and `auditCheckpoint`, migration
/// `008-audit-log`). Each append is one `BEGIN IMMEDIATE` transaction that reads the last record's hash
/// and inserts the next record, committed with `synchronous=FULL` before `append` returns: appends from
/// the server and the CLI are serialized by SQLite's write lock and never fork the chain.
///
/// ```swift
/// let log = SQLiteAuditLog(database: try SQLiteDatabase(dataDirectory: "data"))
/// let record = try await log.append(AuditEntry(time: Date(), action: .teamCreate, target: team.id))
/// ```
public final class SQLiteAuditLog: AuditLog {
    /// The database the log is in.
    public let database: SQLiteDatabase

    /// A log over an open database.
    public init(database: SQLiteDatabase) {
        self.database = database
    }

    static let columns = """
        sequence, timeMs, action, userID, keyID, sessionID, clientAddress, target, outcome, status, model, promptTokens,
        completionTokens, latencyMs, reason, requestID, "before", "after", previousHash, hash
        """

    public func append(_ entry: AuditEntry) async throws -> AuditRecord {
        try entry.validate()
        return try await writeImmediately { db in
            let last = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM auditLog ORDER BY sequence DESC LIMIT 1")
            let previous: (sequence: Int64, hash: AuditHash)
            if let last {
                let sequence = Int64.fromDatabaseValue(last["sequence"] as DatabaseValue)
                guard let sequence, let hash = String.fromDatabaseValue(last["hash"] as DatabaseValue).flatMap(AuditHash.init(hex:)) else {
                    throw AuditLogError.corrupt("the last audit record's hash is not 64 hex digits", sequence: sequence)
                }
                previous = (sequence, hash)
            } else if let checkpoint = try Self.checkpoint(db) {
                previous = (checkpoint.sequence, checkpoint.hash)
            } else {
                previous = (0, .zero)
            }
            let record = AuditRecord.sealing(entry, sequence: previous.sequence + 1, previousHash: previous.hash)
            try db.execute(
                sql: "INSERT INTO auditLog (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: Self.arguments(of: record)
            )
            return record
        }
    }

    public func page(_ query: AuditQuery) async throws -> AuditPage {
        let limit = min(max(query.limit, 1), AuditQuery.maximumLimit)
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        if let since = query.since {
            conditions.append("timeMs >= ?")
            arguments.append(AuditEntry(time: since, action: .request).timeMilliseconds.databaseValue)
        }
        if let until = query.until {
            conditions.append("timeMs < ?")
            arguments.append(AuditEntry(time: until, action: .request).timeMilliseconds.databaseValue)
        }
        if let userID = query.userID {
            conditions.append("(userID = ? OR target = ?)")
            arguments += [userID.databaseValue, userID.databaseValue]
        }
        if let action = query.action {
            conditions.append("action = ?")
            arguments.append(action.rawValue.databaseValue)
        }
        if let before = query.before {
            conditions.append("sequence < ?")
            arguments.append(before.databaseValue)
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(Self.columns) FROM auditLog \(filter) ORDER BY sequence DESC LIMIT \(limit + 1)"
        let values = arguments
        let records = try await read { db in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map(Self.record) }
        let page = Array(records.prefix(limit))
        return AuditPage(records: page, nextCursor: records.count > limit ? page.last?.sequence : nil)
    }

    public func records(from sequence: Int64, limit: Int) async throws -> [AuditRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.columns) FROM auditLog WHERE sequence >= ? ORDER BY sequence LIMIT ?",
                arguments: [sequence, max(limit, 0)]
            ).map(Self.record)
        }
    }

    public func checkpoint() async throws -> AuditCheckpoint? {
        try await read { db in try Self.checkpoint(db) }
    }

    public func purge(before cutoff: Date, signingKey: AuditSigningKey, at time: Date) async throws -> AuditCheckpoint? {
        let cutoffMilliseconds = AuditEntry(time: cutoff, action: .request).timeMilliseconds
        return try await writeImmediately { db in
            // The oldest records up to the first that is not older: a prefix, so the rest still chains on.
            let firstKept = try Int64.fetchOne(db, sql: "SELECT MIN(sequence) FROM auditLog WHERE timeMs >= ?", arguments: [cutoffMilliseconds])
            let bound = firstKept.map { "WHERE sequence < \($0)" } ?? ""
            guard let last = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM auditLog \(bound) ORDER BY sequence DESC LIMIT 1") else {
                return nil
            }
            let sequence: Int64 = last["sequence"]
            guard let hash = String.fromDatabaseValue(last["hash"] as DatabaseValue).flatMap(AuditHash.init(hex:)) else {
                throw AuditLogError.corrupt("the audit record's hash is not 64 hex digits", sequence: sequence)
            }
            let checkpoint = try AuditCheckpoint.signed(sequence: sequence, hash: hash, time: time, key: signingKey)
            try db.execute(sql: "DELETE FROM auditLog WHERE sequence <= ?", arguments: [sequence])
            try db.execute(
                sql: "INSERT OR REPLACE INTO auditCheckpoint (id, sequence, hash, timeMs, signature) VALUES (1, ?, ?, ?, ?)",
                arguments: [
                    checkpoint.sequence, checkpoint.hash.hex, Int64((checkpoint.time.timeIntervalSince1970 * 1000).rounded()), checkpoint.signature,
                ]
            )
            return checkpoint
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(passing: AuditLogError.self, failure: AuditLogError.unavailable, body)
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: the write lock is taken before the first read, so
    /// that what `body` reads is still the latest when it writes, whichever process writes next.
    private func writeImmediately<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw AuditLogError.unavailable("the audit transaction returned nothing") }
                return result
            }
        } catch let error as AuditLogError {
            throw error
        } catch {
            throw AuditLogError.unavailable("audit log write failed: \(SQLiteDatabase.describe(error))")
        }
    }
}
