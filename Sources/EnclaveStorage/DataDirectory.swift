// Enclave storage: the data directory, private to the user that runs the server.

import EnclaveCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The layout of the data directory: `enclave.sqlite` (with its `-wal` and `-shm` files) and, later,
/// generated secrets. The directory is `0700` and its files `0600`; a directory or database that group or
/// others may read or write is refused, with the `chmod` that fixes it.
public enum DataDirectory {
    /// The database file's name.
    public static let databaseFileName = "enclave.sqlite"
    /// The suffixes of the files SQLite keeps beside the database in WAL mode.
    public static let databaseCompanionSuffixes = ["-wal", "-shm"]

    /// The database's path in `directory`.
    public static func databasePath(in directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(databaseFileName).path
    }

    /// The database and its WAL and shared-memory files.
    public static func databaseFiles(_ databasePath: String) -> [String] {
        [databasePath] + databaseCompanionSuffixes.map { databasePath + $0 }
    }

    /// Sets the process's file-creation mask to `077`, so that every file and directory it creates from now
    /// on (the database, its WAL files, later secrets) is private to its user. Call it first thing in the
    /// commands that touch the data directory.
    public static func restrictNewFilesToOwner() {
        umask(0o077)
    }

    /// Creates the directory (and its parents) with owner-only permissions if it does not exist, or checks
    /// that an existing one is private.
    /// - Throws: ``KeyStoreError`` `unavailable` if it cannot be created or is not a directory,
    ///   `insecurePermissions` if group or others may read, write or enter it.
    public static func prepare(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw KeyStoreError.unavailable("the data directory \(directory) is a file, not a directory")
            }
            try requirePrivate([directory], fix: "chmod 700", kind: "the data directory")
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        } catch {
            throw KeyStoreError.unavailable("cannot create the data directory \(directory): \(error.localizedDescription)")
        }
    }

    /// Creates the database file empty with mode `0600` if it does not exist, or checks that it and its WAL
    /// files are private.
    /// - Throws: ``KeyStoreError`` `insecurePermissions` if group or others may read or write one of them,
    ///   `unavailable` if the file cannot be created.
    public static func prepareDatabaseFile(_ path: String) throws {
        if FileManager.default.fileExists(atPath: path) {
            try requirePrivate(databaseFiles(path).filter { FileManager.default.fileExists(atPath: $0) }, fix: "chmod 600", kind: "the database")
            return
        }
        let descriptor = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw KeyStoreError.unavailable("cannot create the database \(path): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
    }

    /// Sets each existing file among the database and its WAL files to `0600` (SQLite creates the WAL files
    /// with the database's mode; this holds whatever the process's umask).
    public static func restrictDatabaseFiles(_ path: String) throws {
        for file in databaseFiles(path) where FileManager.default.fileExists(atPath: file) {
            do {
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            } catch {
                throw KeyStoreError.unavailable("cannot make \(file) private (mode 600): \(error.localizedDescription)")
            }
        }
    }

    /// The permission bits of a file or directory.
    public static func mode(of path: String) throws -> Int {
        guard let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber else {
            throw KeyStoreError.unavailable("cannot read the permissions of \(path)")
        }
        return mode.intValue & 0o7777
    }

    private static func requirePrivate(_ paths: [String], fix: String, kind: String) throws {
        var exposed: [(path: String, mode: Int)] = []
        for path in paths {
            let mode: Int
            do { mode = try self.mode(of: path) } catch {
                throw KeyStoreError.unavailable("cannot read the permissions of \(path): \(error.localizedDescription)")
            }
            if mode & 0o077 != 0 { exposed.append((path, mode)) }
        }
        guard !exposed.isEmpty else { return }
        let modes = exposed.map { "\($0.path) is \(String(format: "%04o", $0.mode))" }.joined(separator: ", ")
        let command = fix + " " + exposed.map { shellQuoted($0.path) }.joined(separator: " ")
        throw KeyStoreError.insecurePermissions(
            "\(kind) is readable or writable by group or others (\(modes)); make it private to this user: \(command)"
        )
    }

    private static func shellQuoted(_ path: String) -> String {
        let safe = path.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-+:@%".unicodeScalars.contains($0) }
        return safe ? path : "'" + path.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
