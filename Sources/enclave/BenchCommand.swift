// Enclave: `enclave bench ...`.

import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine's speed on this machine (speed is shown by these commands, never asserted by tests).",
        subcommands: [
            BenchEngineCommand.self, BenchKernelsCommand.self, BenchKernelsQ16Command.self, BenchEmbeddingsCommand.self,
            BenchKnowledgeCommand.self, BenchRetrievalCommand.self, BenchGuardrailsCommand.self, BenchRunCommand.self,
            BenchFakeServerCommand.self,
        ]
    )
}
