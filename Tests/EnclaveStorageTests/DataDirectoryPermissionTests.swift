// Enclave storage tests: the data directory and the database are private to their user.

import EnclaveCore
import EnclaveStorage
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct DataDirectoryPermissionTests {
    static func mode(_ path: String) throws -> Int { try DataDirectory.mode(of: path) }

    static func withDirectory(mode: Int, _ body: (String) async throws -> Void) async throws {
        let directory = TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: directory.path)
        try await body(directory.path)
    }

    @Test func aNewDirectoryIsOwnerOnlyWithOwnerOnlyDatabaseFiles() async throws {
        let parent = TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: parent) }
        let directory = parent.appendingPathComponent("data").path
        // Even with a permissive umask the files come out private: the store sets the modes itself.
        let previous = umask(0o022)
        defer { umask(previous) }
        let store = try SQLiteKeyStore(dataDirectory: directory)
        try await store.create(try APIKey.issue(name: "x", userID: User.builtInAdminID).key)
        #expect(try Self.mode(directory) == 0o700)
        let database = DataDirectory.databasePath(in: directory)
        for file in DataDirectory.databaseFiles(database) {
            #expect(FileManager.default.fileExists(atPath: file), "\(file) is missing")
            #expect(try Self.mode(file) == 0o600, "\(file)")
        }
    }

    @Test(arguments: [0o755, 0o750, 0o705, 0o701, 0o770, 0o777])
    func anExposedDirectoryIsRefusedWithTheFix(mode: Int) async throws {
        try await Self.withDirectory(mode: mode) { directory in
            #expect {
                _ = try SQLiteKeyStore(dataDirectory: directory)
            } throws: { error in
                guard let error = error as? KeyStoreError, error.code == .insecurePermissions else { return false }
                return error.message.contains("chmod 700 \(directory)") && error.message.contains(String(format: "%04o", mode))
            }
            #expect(!FileManager.default.fileExists(atPath: DataDirectory.databasePath(in: directory)), "nothing is created")
        }
    }

    @Test func anExposedDatabaseIsRefusedWithTheFixAndOpensOnceFixed() async throws {
        try await Self.withDirectory(mode: 0o700) { directory in
            let database = DataDirectory.databasePath(in: directory)
            let (key, _) = try APIKey.issue(name: "kept", userID: User.builtInAdminID, at: Date(timeIntervalSince1970: 1_700_000_000))
            do {
                let store = try SQLiteKeyStore(dataDirectory: directory)
                try await store.create(key)
            }
            // As the store before this check made them, and as `chmod` or a restore from backup may leave them.
            for file in DataDirectory.databaseFiles(database) where FileManager.default.fileExists(atPath: file) {
                try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
            }
            #expect {
                _ = try SQLiteKeyStore(dataDirectory: directory)
            } throws: { error in
                guard let error = error as? KeyStoreError, error.code == .insecurePermissions else { return false }
                return error.message.contains("chmod 600 \(database)")
            }
            for file in DataDirectory.databaseFiles(database) where FileManager.default.fileExists(atPath: file) {
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            }
            #expect(try await SQLiteKeyStore(dataDirectory: directory).list() == [key])
        }
    }

    @Test func aDatabaseOpenedByPathIsCreatedPrivate() throws {
        let directory = TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("keys.sqlite").path
        _ = try SQLiteKeyStore(path: path)
        #expect(try Self.mode(path) == 0o600)
    }

    @Test func restrictingNewFilesSetsTheUmask() {
        let previous = umask(0o022)
        defer { umask(previous) }
        DataDirectory.restrictNewFilesToOwner()
        #expect(umask(0o022) == 0o077)
    }
}
