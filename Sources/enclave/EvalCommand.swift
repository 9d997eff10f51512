// Enclave: `enclave eval ...`.

public import ArgumentParser
import EnclaveEngine
import Foundation

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model, retrieval or the guardrail detectors.",
        subcommands: [Perplexity.self, Logits.self, Retrieval.self, Guardrails.self]
    )

    struct Perplexity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Perplexity on a text file, with llama.cpp's protocol (512-token windows, second half scored)."
        )

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
                print(
                    String(
                        format: "perplexity %.4f over %d scored tokens (%d tokens, %d windows of %d) in %.1f s",
                        result.perplexity,
                        result.scored,
                        result.tokens,
                        result.windows,
                        result.windowSize,
                        result.seconds
                    )
                )
            }
        }
    }
}

extension EvalCommand {
    struct Logits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the top next-token logits after a prompt (to compare with a reference implementation)."
        )

        @Option(name: .long, help: "Path to a GGUF model.")
        var model: String

        @Option(name: .long, help: "Prompt token ids, space-separated (instead of a text prompt).")
        var tokens: String?

        @Flag(name: .long, help: "Apply the chat template to the prompt (a user message).")
        var chat = false

        @Option(name: .long, help: "How many logits to print.")
        var top = 5

        @Option(name: .long, help: "Activation precision: int16 (default) or int8 (as llama.cpp).")
        var precision: ActivationPrecision = .int16

        @Flag(name: .long, help: "Float products on dequantised weights (a slow reference).")
        var exact = false

        @Argument(help: "The prompt text (when --tokens is not given).")
        var prompt: String?

        func run() async throws {
            let loaded = try Model(path: model)
            let ids: [Int32]
            if let tokens {
                ids = tokens.split(separator: " ").compactMap { Int32($0) }
            } else if let prompt {
                ids =
                    chat
                    ? try Engine(model: loaded, configuration: RunnerConfiguration(kvBudgetBytes: 1 << 20, contextLength: 64)).chatPrompt([
                        .user(prompt)
                    ])
                    : loaded.tokenizer.encode(prompt, addSpecial: true, parseSpecial: false)
            } else {
                throw ValidationError("give a prompt or --tokens")
            }
            var evaluator = NextTokenLogits(model: loaded)
            evaluator.activationPrecision = precision
            evaluator.exact = exact
            let logits = try evaluator(ids)
            let best = logits.enumerated().sorted { $0.element > $1.element }.prefix(top)
            print("prompt: \(ids.count) tokens; precision: \(exact ? "exact" : precision.rawValue)")
            for (id, value) in best {
                let piece = loaded.tokenizer.decode([Int32(id)], renderSpecial: true)
                print(String(format: "%8d  %10.4f  %@", id, value, piece.debugDescription))
            }
        }
    }
}

extension ActivationPrecision: ExpressibleByArgument {}
