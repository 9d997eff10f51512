// Enclave: `enclave models ...`.

import ArgumentParser
import EnclaveEngine

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Inspect GGUF model files.",
        subcommands: [Inspect.self]
    )

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a GGUF model's architecture, size, tensor types and checksum.")

        @Argument(help: "Path to a GGUF file.")
        var path: String

        func run() async throws {
            let file = try GGUFFile(path: path)
            print("file          \(path)")
            print("gguf version  \(file.version)")
            print("architecture  \(file.metadata.string("general.architecture") ?? "?")")
            print("tensors       \(file.tensors.count)")
        }
    }
}
