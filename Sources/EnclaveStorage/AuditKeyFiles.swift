// Enclave storage: the server's key that signs audit checkpoints.

public import EnclaveCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of the Ed25519 key pair that signs the audit log's checkpoints (see ``AuditCheckpoint``), kept in the data
/// directory: `audit-signing.key` (the private key, base64, mode `0600`, made at first use) and
/// `audit-signing.pub` (the public key, base64), which `enclave audit verify` checks checkpoints with. Copy
/// the public key somewhere safe: a verifier that trusts it from the same directory trusts whoever can
/// write there.
public enum AuditKeyFiles {
    /// The private key's file name.
    public static let privateKeyFileName = "audit-signing.key"
    /// The public key's file name.
    public static let publicKeyFileName = "audit-signing.pub"

    /// The private key in `directory`, created (with its public key beside it) if it does not exist.
    /// - Throws: ``AuditLogError`` `unavailable` if a file cannot be read, written or parsed;
    ///   ``KeyStoreError`` `insecurePermissions` if the private key may be read by group or others.
    public static func loadOrCreate(in directory: String) throws -> AuditSigningKey {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(privateKeyFileName).path
        if FileManager.default.fileExists(atPath: path) {
            let mode = try DataDirectory.mode(of: path)
            guard mode & 0o077 == 0 else {
                throw KeyStoreError.insecurePermissions(
                    "the audit signing key \(path) is readable by group or others (\(String(format: "%04o", mode))); chmod 600 it"
                )
            }
            let key: AuditSigningKey
            do { key = try AuditSigningKey(rawRepresentation: try read(path)) } catch let error as AuditLogError { throw error } catch {
                throw AuditLogError.unavailable("\(path) is not an Ed25519 private key")
            }
            try writePublicKey(key.publicKey, in: directory)
            return key
        }
        let key = AuditSigningKey()
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AuditLogError.unavailable("cannot create the audit signing key \(path): \(String(cString: strerror(errno)))")
        }
        let text = Array((key.rawRepresentation.base64EncodedString() + "\n").utf8)
        let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == text.count, synced == 0 else {
            throw AuditLogError.unavailable("cannot write the audit signing key \(path)")
        }
        try writePublicKey(key.publicKey, in: directory)
        return key
    }

    /// The public key in `directory`, or `nil` if there is none.
    /// - Throws: ``AuditLogError`` `unavailable` if the file cannot be read or is not a key.
    public static func publicKey(in directory: String) throws -> AuditVerifyingKey? {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(publicKeyFileName).path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try AuditVerifyingKey(rawRepresentation: try read(path))
        } catch let error as AuditLogError {
            throw error
        } catch {
            throw AuditLogError.unavailable("\(path) is not an Ed25519 public key")
        }
    }

    private static func writePublicKey(_ key: AuditVerifyingKey, in directory: String) throws {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(publicKeyFileName).path
        let text = key.rawRepresentation.base64EncodedString() + "\n"
        if (try? String(contentsOfFile: path, encoding: .utf8)) == text { return }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw AuditLogError.unavailable("cannot write the audit public key \(path): \(error.localizedDescription)")
        }
    }

    private static func read(_ path: String) throws -> Data {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw AuditLogError.unavailable("cannot read \(path) as a base64 key")
        }
        return data
    }
}
