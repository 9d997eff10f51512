// Enclave: `enclave audit`.

import ArgumentParser

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check or export the tamper-evident audit log in the data directory's database.",
        subcommands: [AuditVerifyCommand.self, AuditExportCommand.self]
    )
}
