// Enclave: the command-line entry point.

import ArgumentParser

@main
struct Enclave: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enclave",
        abstract: "A private LLM server for a team, with its own CPU engine for GGUF models.",
        subcommands: [
            ServeCommand.self, ChatCommand.self, KeysCommand.self, UsersCommand.self, UsageCommand.self, TeamsCommand.self, GenerateCommand.self,
            ModelsCommand.self,
            EvalCommand.self, BenchCommand.self, AuditCommand.self,
            ConfigCommand.self, KnowledgeCommand.self,
        ]
    )
}
