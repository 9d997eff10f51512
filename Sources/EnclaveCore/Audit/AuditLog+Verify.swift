// Enclave: checking a whole audit log, page by page.

/// What checking an audit log found.
public enum AuditVerification: Sendable, Hashable {
    /// Every record follows the rules: how many there are, and the chain's head (the last hash).
    case intact(count: Int, head: AuditHash, checkpoint: AuditCheckpoint?)
    /// The first bad record (or checkpoint).
    case broken(AuditChain.Break)
}

extension AuditLog {
    /// Checks the checkpoint's signature with `publicKey`, then every record in order with ``AuditChain``.
    /// A row that cannot be read as a record is reported as that record's break, not thrown.
    /// - Parameters:
    ///   - publicKey: The server's audit public key; needed only if records were purged.
    ///   - pageSize: How many records are read at once.
    /// - Throws: ``AuditLogError`` `unavailable` if the log cannot be read at all.
    public func verify(publicKey: AuditVerifyingKey?, pageSize: Int = 1000) async throws -> AuditVerification {
        let checkpoint = try await self.checkpoint()
        if let checkpoint {
            guard let publicKey else {
                return .broken(
                    .init(
                        sequence: checkpoint.sequence,
                        reason: .badCheckpoint,
                        message: "records were purged, but there is no public key to check the checkpoint"
                    )
                )
            }
            guard checkpoint.isSigned(by: publicKey) else {
                return .broken(.init(sequence: checkpoint.sequence, reason: .badCheckpoint, message: "the checkpoint's signature does not verify"))
            }
        }
        var chain = AuditChain(checkpoint: checkpoint)
        var next: Int64 = 0
        var size = max(pageSize, 1)
        while true {
            let records: [AuditRecord]
            do {
                records = try await self.records(from: next, limit: size)
            } catch let error as AuditLogError where error.code == .corrupt {
                if size > 1 {
                    // Read one at a time up to the bad row, so that an earlier break is not missed.
                    size = 1
                    continue
                }
                let sequence = error.sequence ?? next
                if let problem = chain.failure ?? Self.gap(before: sequence, in: chain) { return .broken(problem) }
                return .broken(.init(sequence: sequence, reason: .unreadable, message: "the stored row is not a valid record (\(error.message))"))
            }
            if records.isEmpty { break }
            for record in records {
                if let problem = chain.check(record) { return .broken(problem) }
            }
            next = (records.last?.sequence ?? next) + 1
            size = max(pageSize, 1)
        }
        return .intact(count: chain.count, head: chain.head, checkpoint: checkpoint)
    }

    /// The break of records missing between the chain's position and an unreadable row at `sequence`.
    private static func gap(before sequence: Int64, in chain: AuditChain) -> AuditChain.Break? {
        guard sequence > chain.expectedSequence else { return nil }
        return .init(
            sequence: sequence,
            reason: .missing,
            message: "records \(chain.expectedSequence) to \(sequence - 1) are missing before it (deleted)"
        )
    }
}
