// Enclave: where the tamper-evident audit log is kept.

public import Foundation

/// The append-only, hash-chained audit log (see ``AuditRecord`` for the chain and ``AuditChain`` for its
/// check). Implementations: `SQLiteAuditLog` (EnclaveStorage) and `InMemoryAuditLog` (EnclaveTesting);
/// both pass the same contract test suite.
///
/// Appends are serialized: the previous record's hash is read in the same write transaction that adds
/// the next record, so two writers (the server and the CLI) never fork the chain.
///
/// ```swift
/// let record = try await log.append(AuditEntry(time: now, action: .userCreate, target: user.id))
/// let page = try await log.page(AuditQuery(action: .request, limit: 50))
/// let checkpoint = try await log.purge(before: cutoff, signingKey: key, at: now)
/// ```
public protocol AuditLog: AuditEventSink {
    /// Appends an entry as the next record and returns it as stored (committed when this returns).
    /// - Throws: ``AuditLogError`` `invalidEntry` or `unavailable`.
    func append(_ entry: AuditEntry) async throws -> AuditRecord

    /// Records matching `query`, newest first, with the cursor of the next page.
    func page(_ query: AuditQuery) async throws -> AuditPage

    /// Up to `limit` records with sequence numbers from `sequence` on, in order (for verify and export).
    /// - Throws: ``AuditLogError`` `corrupt` (naming the sequence number) for a row that is not a record.
    func records(from sequence: Int64, limit: Int) async throws -> [AuditRecord]

    /// The checkpoint of the last purge, if records were ever purged.
    func checkpoint() async throws -> AuditCheckpoint?

    /// Deletes the records older than `cutoff` (the oldest ones, up to the first that is not older) and,
    /// in the same transaction, replaces the checkpoint with one for the last deleted record, signed with
    /// `signingKey`.
    /// - Returns: The new checkpoint, or `nil` if nothing was older than `cutoff`.
    func purge(before cutoff: Date, signingKey: AuditSigningKey, at time: Date) async throws -> AuditCheckpoint?

    /// Checks the checkpoint and every record (see ``AuditChain``). The default reads page by page; a
    /// store that can should check one consistent snapshot, so that a purge or an append while it runs
    /// is not mistaken for tampering.
    func verify(publicKey: AuditVerifyingKey?, pageSize: Int) async throws -> AuditVerification
}

extension AuditLog {
    public func record(_ entry: AuditEntry) async throws {
        _ = try await append(entry)
    }
}
