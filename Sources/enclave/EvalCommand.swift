// Enclave: `enclave eval ...`.

import ArgumentParser
import EnclaveEngine
import Foundation

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model.",
        subcommands: [Perplexity.self]
    )

    struct Perplexity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Perplexity on a text file, with llama.cpp's protocol (512-token windows, second half scored).")

        @Option(name: .long, help: "Path to a GGUF model.")
        var model: String

        @Option(name: .long, help: "Path to a UTF-8 text file.")
        var file: String

        @Option(name: .long, help: "Tokens per window.")
        var window = 512

        @Option(name: .long, help: "Threads (default: all cores).")
        var threads = RunnerConfiguration.defaultThreads

        @Option(name: .long, help: "Activation precision: int16 (default) or int8 (as llama.cpp).")
        var precision: ActivationPrecision = .int16

        @Flag(name: .long, help: "Print one JSON object instead of text.")
        var json = false

        func run() async throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            guard let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("\(file) is not valid UTF-8")
            }
            let loaded = try Model(path: model)
            var evaluator = PerplexityEvaluator(model: loaded, tokenizer: loaded.tokenizer)
            evaluator.windowSize = window
            evaluator.threads = threads
            evaluator.activationPrecision = precision
            let json = self.json
            let result = try evaluator.evaluate(text: text) { done, total in
                if !json { FileHandle.standardError.write(Data("\rwindow \(done)/\(total)".utf8)) }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                FileHandle.standardError.write(Data("\n".utf8))
                print(String(format: "perplexity %.4f over %d scored tokens (%d tokens, %d windows of %d) in %.1f s",
                             result.perplexity, result.scored, result.tokens, result.windows, result.windowSize, result.seconds))
            }
        }
    }
}

extension ActivationPrecision: ExpressibleByArgument {}
