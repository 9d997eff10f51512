// Enclave: one record of the tamper-evident audit log.

import Crypto
public import Foundation

/// A stored audit event: an ``AuditEntry`` with its place in the chain. Records are numbered 1, 2, 3, …
/// without gaps, and each carries
///
///     hash = SHA-256(canonical(record without its hashes) || previousHash)
///
/// where `canonical` is ``AuditCanonicalEncoding`` (which includes the sequence number) and `previousHash`
/// is the 32 bytes of the record before (``AuditHash/zero`` before the first, or a checkpoint's hash
/// after a purge). ``AuditChain`` checks a sequence of records against these rules.
@dynamicMemberLookup
public struct AuditRecord: Sendable, Hashable {
    /// The record's place in the log, from 1.
    public var sequence: Int64
    /// The event.
    public var entry: AuditEntry
    /// The hash of the record before.
    public var previousHash: AuditHash
    /// This record's hash.
    public var hash: AuditHash

    /// A record as stored.
    public init(sequence: Int64, entry: AuditEntry, previousHash: AuditHash, hash: AuditHash) {
        self.sequence = sequence
        self.entry = entry
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The record that follows `previousHash` at `sequence`, with its hash computed.
    public static func sealing(_ entry: AuditEntry, sequence: Int64, previousHash: AuditHash) -> AuditRecord {
        var record = AuditRecord(sequence: sequence, entry: entry, previousHash: previousHash, hash: .zero)
        record.hash = record.computedHash
        return record
    }

    /// The hash the record's content and previous hash give (equal to ``hash`` unless it was changed).
    public var computedHash: AuditHash {
        var hasher = SHA256()
        hasher.update(data: AuditCanonicalEncoding.bytes(of: self))
        hasher.update(data: previousHash.bytes)
        return AuditHash(bytes: hasher.finalize()) ?? .zero
    }

    /// The entry's fields, read through the record (`record.action`, `record.actor`).
    public subscript<Value>(dynamicMember keyPath: KeyPath<AuditEntry, Value>) -> Value {
        entry[keyPath: keyPath]
    }
}
