// Enclave: `enclave audit verify`.

import ArgumentParser
import EnclaveCore
import EnclaveStorage
import Foundation

struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every audit record's hash, link and sequence number, and the purge checkpoint's signature.",
        discussion: """
            Exits 0 and prints "N records intact" with the chain's head (the last record's sequence number and \
            hash) when the log is intact. Otherwise exits 1 naming the first bad record: its sequence number and \
            why (edited, deleted, inserted or reordered). Keep the printed head somewhere else: comparing it later \
            also catches the newest records being deleted. Works while the server runs.
            """
    )

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        DataDirectory.restrictNewFilesToOwner()
        let directory = try storage.dataDirectory()
        guard FileManager.default.fileExists(atPath: DataDirectory.databasePath(in: directory)) else {
            throw CommandFailure("there is no database in \(directory) (use --data-dir)")
        }
        let log = SQLiteAuditLog(database: try SQLiteDatabase(dataDirectory: directory))
        switch try await log.verify(publicKey: try AuditKeyFiles.publicKey(in: directory)) {
        case .intact(let count, let head, let checkpoint):
            var line = "\(count) records intact"
            if let checkpoint { line += " after the checkpoint at record \(checkpoint.sequence) (signature valid)" }
            Console.print(line)
            if count > 0 || checkpoint != nil { Console.print("head: \(head.hex)") }
        case .broken(let problem):
            throw CommandFailure("the audit log is not intact: \(problem)")
        }
    }
}
