// Enclave: `enclave bench ...`.

import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: the engine on a model, and the matrix kernels.",
        subcommands: [BenchEngineCommand.self]
    )
}
