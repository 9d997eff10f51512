// Enclave storage: the key that encrypts documents at rest, generated once and kept in the data directory.

public import EnclaveCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the ``KnowledgeKey`` comes from: `knowledge.encryption_key` in the configuration (base64, normally
/// `${ENCLAVE_KNOWLEDGE_KEY}`) if it is set, else `<data dir>/knowledge.key`, base64 of 32 random bytes made
/// on first use with mode `0600` (created exclusively, so two processes starting at once agree on one key).
///
/// Anyone who reads the key file can read every document: keep the data directory's backups apart from it,
/// or give the key through the environment instead.
///
/// ```swift
/// let key = try KnowledgeKeyFile.key(configured: configuration.knowledge.encryptionKey, dataDirectory: "data")
/// let store = try SQLiteKnowledgeStore(database: database, cipher: KnowledgeCipher(key: key))
/// ```
public enum KnowledgeKeyFile {
    /// The key file's name in the data directory.
    public static let fileName = "knowledge.key"
    /// The old key's file during a rotation (removed once it succeeds).
    public static let previousFileName = "knowledge.key.previous"
    /// The new key's file during a rotation, before the database uses it.
    public static let nextFileName = "knowledge.key.next"

    /// A file's path in `directory`.
    public static func path(_ name: String = fileName, in directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }

    /// The key to use: `configured` (the configuration's base64 text) if it is set, else the key file's,
    /// created if it does not exist.
    /// - Throws: ``KnowledgeStoreError`` `corrupt` for a configured key or key file that is not base64 of 32
    ///   bytes, `unavailable` if the file cannot be read or written; ``KeyStoreError`` `insecurePermissions`
    ///   for a key file that group or others may read.
    public static func key(configured: String?, dataDirectory: String) throws -> KnowledgeKey {
        if let configured {
            guard let key = KnowledgeKey(base64: configured) else {
                throw KnowledgeStoreError.corrupt(
                    "knowledge.encryption_key is not base64 of \(KnowledgeKey.byteCount) bytes; "
                        + "make one with: head -c 32 /dev/urandom | base64"
                )
            }
            return key
        }
        return try loadOrCreate(in: dataDirectory)
    }

    /// Reads the key file in the data directory, creating it (and the directory) if it does not exist.
    /// - Throws: as ``key(configured:dataDirectory:)``.
    public static func loadOrCreate(in directory: String) throws -> KnowledgeKey {
        try DataDirectory.prepare(directory)
        let path = path(in: directory)
        if FileManager.default.fileExists(atPath: path) { return try read(path) }
        let key = KnowledgeKey.generate()
        do {
            try create(path, containing: key)
        } catch {
            // Another process created it first: use its key.
            guard FileManager.default.fileExists(atPath: path) else { throw error }
            return try read(path)
        }
        return key
    }

    /// Reads a key file.
    /// - Throws: ``KeyStoreError`` `insecurePermissions` if group or others may read or write it;
    ///   ``KnowledgeStoreError`` `corrupt` if it holds no key, `unavailable` if it cannot be read.
    public static func read(_ path: String) throws -> KnowledgeKey {
        let mode = try DataDirectory.mode(of: path)
        guard mode & 0o077 == 0 else {
            throw KeyStoreError.insecurePermissions(
                "the knowledge key \(path) is readable or writable by group or others (\(String(format: "%04o", mode))); "
                    + "make it private to this user: chmod 600 \(path)"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KnowledgeStoreError.unavailable("cannot read the knowledge key \(path)")
        }
        guard let text = String(data: data, encoding: .utf8), let key = KnowledgeKey(base64: text) else {
            throw KnowledgeStoreError.corrupt("the knowledge key \(path) is not base64 of \(KnowledgeKey.byteCount) bytes")
        }
        return key
    }

    /// Writes `key` to a new file at `path` (mode `0600`, created exclusively, synced to disk).
    /// - Throws: ``KnowledgeStoreError`` `unavailable` if the file exists or cannot be written.
    public static func create(_ path: String, containing key: KnowledgeKey) throws {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw KnowledgeStoreError.unavailable("cannot create the knowledge key \(path): \(String(cString: strerror(errno)))")
        }
        let text = Array((key.base64 + "\n").utf8)
        let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == text.count, synced == 0 else {
            unlink(path)
            throw KnowledgeStoreError.unavailable("cannot write the knowledge key \(path)")
        }
        syncDirectory(of: path)
    }

    /// Makes a file's rename or creation durable by syncing its directory.
    static func syncDirectory(of path: String) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
