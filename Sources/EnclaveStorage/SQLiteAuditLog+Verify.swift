// Enclave storage: checking the SQLite audit log in one snapshot.

public import EnclaveCore
import GRDB

extension SQLiteAuditLog {
    /// Checks the checkpoint and every record in one read transaction (a WAL snapshot), streaming the rows:
    /// a purge or an append by the running server meanwhile is not seen, so it cannot look like tampering.
    /// `pageSize` is not used (rows are streamed).
    public func verify(publicKey: AuditVerifyingKey?, pageSize: Int) async throws -> AuditVerification {
        try await database.read(passing: AuditLogError.self, failure: AuditLogError.unavailable) { db in
            let checkpoint = try Self.checkpoint(db)
            if let problem = AuditVerification.problem(of: checkpoint, publicKey: publicKey) { return .broken(problem) }
            var chain = AuditChain(checkpoint: checkpoint)
            let rows = try Row.fetchCursor(db, sql: "SELECT \(Self.columns) FROM auditLog ORDER BY sequence")
            while let row = try rows.next() {
                let record: AuditRecord
                do {
                    record = try Self.record(row)
                } catch let error as AuditLogError {
                    return .broken(AuditVerification.unreadable(error, at: chain.expectedSequence, in: chain))
                }
                if let problem = chain.check(record) { return .broken(problem) }
            }
            return .intact(count: chain.count, head: chain.head, checkpoint: checkpoint)
        }
    }
}
