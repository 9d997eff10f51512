// Enclave: `enclave generate`: stream a completion from a local GGUF model.

import ArgumentParser
import EnclaveEngine
import Foundation

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with a local GGUF model, streaming it to standard output."
    )

    @Option(name: .long, help: "Path to a GGUF model.")
    var model: String

    @Flag(name: .long, help: "Treat the prompt as a user message and apply the model's chat template.")
    var chat = false

    @Option(name: .long, help: "System message (with --chat).")
    var system: String?

    @Option(name: .long, help: "Most tokens to generate.")
    var maxTokens = 256

    @Option(name: .long, help: "Sampling temperature (0: greedy).")
    var temperature: Float = 0.8

    @Option(name: .long, help: "Top-k (0: off).")
    var topK = 40

    @Option(name: .long, help: "Top-p (1: off).")
    var topP: Float = 0.95

    @Option(name: .long, help: "Seed for reproducible sampling.")
    var seed: UInt64?

    @Option(name: .long, help: "Stop string (repeatable, up to 4).")
    var stop: [String] = []

    @Option(name: .long, help: "Threads (default: all cores).")
    var threads = RunnerConfiguration.defaultThreads

    @Option(name: .long, help: "Context length.")
    var contextLength = 4096

    @Flag(name: .long, help: "Print timing to standard error.")
    var verbose = false

    @Argument(help: "The prompt.")
    var prompt: String

    func run() async throws {
        let loaded = try Model(path: model)
        var config = RunnerConfiguration(threads: threads, contextLength: contextLength)
        config.kvBudgetBytes = KVCache.bytesPerPosition(loaded.configuration) * (min(contextLength, loaded.configuration.trainedContextLength) + 64)
        let engine = try Engine(model: loaded, configuration: config)
        defer { engine.shutdown() }
        var messages: [ChatMessage] = []
        if let system { messages.append(.system(system)) }
        messages.append(.user(prompt))
        let tokens = chat ? try engine.chatPrompt(messages) : engine.textPrompt(prompt)
        var sampling = SamplingParameters()
        sampling.temperature = temperature
        sampling.topK = topK
        sampling.topP = topP
        sampling.seed = seed
        let options = GenerationOptions(maxTokens: min(maxTokens, engine.availableTokens(afterPrompt: tokens.count)), sampling: sampling, stop: stop)
        let start = Date()
        var firstToken: Date?
        var usage: GenerationUsage?
        for try await event in try engine.generate(prompt: tokens, options: options) {
            switch event {
            case .started: firstToken = Date()
            case .text(let text, _):
                FileHandle.standardOutput.write(Data(text.utf8))
            case .finished(_, let u): usage = u
            }
        }
        FileHandle.standardOutput.write(Data("\n".utf8))
        if verbose, let usage, let firstToken {
            let decode = Date().timeIntervalSince(firstToken)
            FileHandle.standardError.write(
                Data(
                    String(
                        format: "prompt %d tokens in %.0f ms; %d tokens in %.2f s (%.1f tok/s)\n",
                        usage.promptTokens,
                        firstToken.timeIntervalSince(start) * 1000,
                        usage.completionTokens,
                        decode,
                        Double(max(usage.completionTokens - 1, 0)) / max(decode, 1e-9)
                    ).utf8
                )
            )
        }
    }
}
