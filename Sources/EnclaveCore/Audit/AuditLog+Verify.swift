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
    public func verify(publicKey: AuditVerifyingKey?, pageSize: Int) async throws -> AuditVerification {
        try await verifyPageByPage(publicKey: publicKey, pageSize: pageSize)
    }

    /// Checks the log with ``verify(publicKey:pageSize:)``, 1,000 records at a time.
    public func verify(publicKey: AuditVerifyingKey?) async throws -> AuditVerification {
        try await verify(publicKey: publicKey, pageSize: 1000)
    }

    /// The default check: the checkpoint, then the records read `pageSize` at a time (each page its own
    /// read).
    public func verifyPageByPage(publicKey: AuditVerifyingKey?, pageSize: Int) async throws -> AuditVerification {
        let checkpoint = try await self.checkpoint()
        if let problem = AuditVerification.problem(of: checkpoint, publicKey: publicKey) { return .broken(problem) }
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
                return .broken(AuditVerification.unreadable(error, at: next, in: chain))
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
}

extension AuditVerification {
    /// Why the checkpoint is not to be trusted: it has no public key to check it with, or a signature that
    /// does not verify; `nil` for no checkpoint or a good one.
    public static func problem(of checkpoint: AuditCheckpoint?, publicKey: AuditVerifyingKey?) -> AuditChain.Break? {
        guard let checkpoint else { return nil }
        guard let publicKey else {
            return .init(
                sequence: checkpoint.sequence,
                reason: .badCheckpoint,
                message: "records were purged, but there is no public key to check the checkpoint"
            )
        }
        guard checkpoint.isSigned(by: publicKey) else {
            return .init(sequence: checkpoint.sequence, reason: .badCheckpoint, message: "the checkpoint's signature does not verify")
        }
        return nil
    }

    /// The break of a row that is not a record (``AuditLogError`` `corrupt`), or of the records missing
    /// before it.
    public static func unreadable(_ error: AuditLogError, at position: Int64, in chain: AuditChain) -> AuditChain.Break {
        if let failure = chain.failure { return failure }
        let sequence = error.sequence ?? position
        if sequence > chain.expectedSequence {
            return .init(
                sequence: sequence,
                reason: .missing,
                message: "records \(chain.expectedSequence) to \(sequence - 1) are missing before it (deleted)"
            )
        }
        return .init(sequence: sequence, reason: .unreadable, message: "the stored row is not a valid record (\(error.message))")
    }
}
