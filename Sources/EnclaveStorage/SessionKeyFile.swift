// Enclave storage: the session signing key, generated once and kept in the data directory.

public import EnclaveCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's ``SessionKey`` in `<data dir>/session.key`: 32 random bytes, created on first start with
/// mode `0600` and read on every later one, so that sessions survive restarts. A key file that group or
/// others may read is refused (anyone who reads it can forge session cookies' signatures).
public enum SessionKeyFile {
    /// The key file's name in the data directory.
    public static let fileName = "session.key"

    /// The key file's path in `directory`.
    public static func path(in directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
    }

    /// Reads the key in the data directory, creating it (and the directory) if it does not exist.
    /// - Throws: ``KeyStoreError`` `insecurePermissions` for a key file others may read or write,
    ///   `corrupt` for a file that is not 32 bytes, `unavailable` if it cannot be read or written.
    public static func loadOrCreate(in directory: String) throws -> SessionKey {
        try DataDirectory.prepare(directory)
        let path = path(in: directory)
        if FileManager.default.fileExists(atPath: path) {
            let mode = try DataDirectory.mode(of: path)
            guard mode & 0o077 == 0 else {
                throw KeyStoreError.insecurePermissions(
                    "the session key \(path) is readable or writable by group or others (\(String(format: "%04o", mode))); "
                        + "make it private to this user: chmod 600 \(path)"
                )
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KeyStoreError.unavailable("cannot read the session key \(path)")
            }
            guard let key = SessionKey(bytes: Array(data)) else {
                throw KeyStoreError.corrupt("the session key \(path) has \(data.count) bytes, expected \(SessionKey.byteCount)")
            }
            return key
        }
        let key = SessionKey.generate()
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw KeyStoreError.unavailable("cannot create the session key \(path): \(String(cString: strerror(errno)))")
        }
        let bytes = key.bytes
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0 else {
            unlink(path)
            throw KeyStoreError.unavailable("cannot write the session key \(path)")
        }
        return key
    }
}
