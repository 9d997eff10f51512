// Enclave storage: the data directory.

import EnclaveCore
import Foundation

/// The layout of the data directory: `enclave.sqlite` (with its WAL files) and, later, generated secrets.
public enum DataDirectory {
    /// The database file's name.
    public static let databaseFileName = "enclave.sqlite"

    /// The database's path in `directory`.
    public static func databasePath(in directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(databaseFileName).path
    }

    /// Creates the directory (and its parents) with owner-only permissions if it does not exist.
    /// - Throws: ``KeyStoreError`` `unavailable` if it cannot be created or is not a directory.
    public static func prepare(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw KeyStoreError.unavailable("the data directory \(directory) is a file, not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw KeyStoreError.unavailable("cannot create the data directory \(directory): \(error.localizedDescription)")
        }
    }
}
