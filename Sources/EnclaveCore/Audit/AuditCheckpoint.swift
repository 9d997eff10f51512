// Enclave: where the audit chain continues after old records were purged.

public import Foundation

/// The last record purged by the retention period: its sequence number and hash, signed with the
/// server's audit key (Ed25519), so that the remaining records verify from it and nobody without the key
/// can move it to hide deleted records.
///
/// The signature covers the UTF-8 bytes of
///
///     enclave-audit-checkpoint-v1\n<sequence>\n<hash as 64 hex digits>\n<time in ms since 1970>
public struct AuditCheckpoint: Sendable, Hashable {
    /// The sequence number of the last purged record.
    public var sequence: Int64
    /// The hash of the last purged record.
    public var hash: AuditHash
    /// When the purge happened (to the millisecond).
    public var time: Date
    /// The Ed25519 signature over ``signedBytes``.
    public var signature: Data

    /// A checkpoint as stored.
    public init(sequence: Int64, hash: AuditHash, time: Date, signature: Data) {
        self.sequence = sequence
        self.hash = hash
        self.time = AuditEntry.milliseconds(time)
        self.signature = signature
    }

    /// A checkpoint after the record `sequence` with `hash`, signed with `key`.
    /// - Throws: CryptoKit's error if signing fails.
    public static func signed(sequence: Int64, hash: AuditHash, time: Date, key: AuditSigningKey) throws -> AuditCheckpoint {
        var checkpoint = AuditCheckpoint(sequence: sequence, hash: hash, time: time, signature: Data())
        checkpoint.signature = try key.signature(for: checkpoint.signedBytes)
        return checkpoint
    }

    /// The bytes the signature covers.
    public var signedBytes: Data {
        let milliseconds = Int64((time.timeIntervalSince1970 * 1000).rounded())
        return Data("enclave-audit-checkpoint-v1\n\(sequence)\n\(hash.hex)\n\(milliseconds)".utf8)
    }

    /// Whether the signature is `publicKey`'s over the checkpoint.
    public func isSigned(by publicKey: AuditVerifyingKey) -> Bool {
        publicKey.isValidSignature(signature, for: signedBytes)
    }
}
