// Enclave testing: an audit log in memory.

public import EnclaveCore
public import Foundation

/// An ``AuditLog`` kept in memory, with the same behaviour as the SQLite log (the contract suite runs
/// against both). A test can make appends fail (``failAppends(_:)``) to check that nothing is served
/// unaudited.
public actor InMemoryAuditLog: AuditLog {
    private var stored: [AuditRecord] = []
    private var lastCheckpoint: AuditCheckpoint?
    private var failing = false

    /// Creates an empty log.
    public init() {}

    /// Every record held, oldest first.
    public var all: [AuditRecord] { stored }

    /// Makes every later append throw ``AuditLogError`` `unavailable` (`true`) or succeed again (`false`).
    public func failAppends(_ fail: Bool) {
        failing = fail
    }

    public func append(_ entry: AuditEntry) throws -> AuditRecord {
        try entry.validate()
        if failing { throw AuditLogError.unavailable("the audit log is unavailable (made to fail by the test)") }
        let last = stored.last
        let record = AuditRecord.sealing(
            entry,
            sequence: (last?.sequence ?? lastCheckpoint?.sequence ?? 0) + 1,
            previousHash: last?.hash ?? lastCheckpoint?.hash ?? .zero
        )
        stored.append(record)
        return record
    }

    public func page(_ query: AuditQuery) -> AuditPage {
        let limit = min(max(query.limit, 1), AuditQuery.maximumLimit)
        let matching = stored.reversed().filter(query.matches)
        let records = Array(matching.prefix(limit))
        return AuditPage(records: records, nextCursor: matching.count > limit ? records.last?.sequence : nil)
    }

    public func records(from sequence: Int64, limit: Int) -> [AuditRecord] {
        Array(stored.filter { $0.sequence >= sequence }.prefix(max(limit, 0)))
    }

    public func checkpoint() -> AuditCheckpoint? { lastCheckpoint }

    public func purge(before cutoff: Date, signingKey: AuditSigningKey, at time: Date) throws -> AuditCheckpoint? {
        let purged = stored.prefix { $0.time < cutoff }
        guard let last = purged.last else { return nil }
        let checkpoint = try AuditCheckpoint.signed(sequence: last.sequence, hash: last.hash, time: time, key: signingKey)
        stored.removeFirst(purged.count)
        lastCheckpoint = checkpoint
        return checkpoint
    }
}
