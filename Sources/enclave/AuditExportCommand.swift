// Enclave: `enclave audit export`.

import ArgumentParser
import EnclaveCore
import EnclaveStorage
import Foundation

struct AuditExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write audit records as JSON Lines to standard output, oldest first.",
        discussion: """
            One JSON object per line, with the canonical fields the hash covers (see docs/security.md) and \
            time, previous_hash and hash. Records hold no prompt or completion text.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The first day or time to export (UTC).", valueName: "YYYY-MM-DD|ISO-8601"))
    var since: String?

    @OptionGroup var storage: StorageOptions

    func validate() throws {
        if let since, AuditTime.parse(since) == nil {
            throw ValidationError("--since must be a day written YYYY-MM-DD or an ISO 8601 time such as 2026-12-01T09:00:00Z, got '\(since)'")
        }
    }

    func run() async throws {
        DataDirectory.restrictNewFilesToOwner()
        let directory = try storage.dataDirectory()
        guard FileManager.default.fileExists(atPath: DataDirectory.databasePath(in: directory)) else {
            throw CommandFailure("there is no database in \(directory) (use --data-dir)")
        }
        let log = SQLiteAuditLog(database: try SQLiteDatabase(dataDirectory: directory))
        let start = since.flatMap(AuditTime.parse)
        var next: Int64 = 0
        while true {
            let records = try await log.records(from: next, limit: 1000)
            guard let last = records.last else { break }
            var chunk = ""
            for record in records where start.map({ record.time >= $0 }) ?? true {
                chunk += record.exportJSON.canonicalText + "\n"
            }
            if !chunk.isEmpty { Console.write(chunk) }
            next = last.sequence + 1
        }
    }
}
