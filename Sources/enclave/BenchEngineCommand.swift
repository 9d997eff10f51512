// Enclave: `enclave bench engine`: the engine's speed and memory on one model.

import ArgumentParser
import EnclaveEngine
import Foundation

struct BenchEngineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure prefill, decode, aggregate decode under concurrency, cached/uncached TTFT and peak RSS."
    )

    @Option(name: .long, help: "Path to a GGUF model.")
    var model: String

    @Option(name: .long, help: "Threads (default: all cores).")
    var threads = RunnerConfiguration.defaultThreads

    @Option(name: .long, help: "Repetitions per figure (the median is reported).")
    var repetitions = 3

    @Option(name: .long, help: "Concurrency levels for aggregate decode, comma-separated.")
    var concurrency = "1,2,4,8,16"

    @Option(name: .long, help: "KV cache budget in MiB.")
    var kvBudgetMib = 512

    @Option(name: .long, help: "Activation precision: int16 (default) or int8.")
    var precision: ActivationPrecision = .int16

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    /// Most sequences one aggregate-decode figure may run at once.
    static let maxConcurrency = 256

    func validate() throws {
        _ = try PositiveIntegerList.parse(concurrency, option: "--concurrency", maximum: Self.maxConcurrency)
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1, got \(repetitions)") }
        guard (1...(1 << 20)).contains(kvBudgetMib) else {
            throw ValidationError("--kv-budget-mib must be from 1 to 1048576, got \(kvBudgetMib)")
        }
    }

    func run() async throws {
        let loaded = try Model(path: model)
        var config = EngineBenchmark.Configuration()
        config.threads = threads
        config.repetitions = repetitions
        config.concurrency = try PositiveIntegerList.parse(concurrency, option: "--concurrency", maximum: Self.maxConcurrency)
        config.kvBudgetBytes = kvBudgetMib << 20
        config.activationPrecision = precision
        let json = self.json
        let result = try await EngineBenchmark(model: loaded, configuration: config).run { line in
            if !json { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        print(
            "model                \(result.model) (\(String(format: "%.1f", result.modelFileMiB)) MiB), \(result.threads) threads, \(result.activationPrecision) activations"
        )
        print(String(format: "prefill (%d tokens)   %.1f tok/s", config.promptTokens, result.prefillTokS))
        print(String(format: "decode (batch 1)     %.1f tok/s", result.decodeTokS))
        for n in config.concurrency {
            let v = result.aggregateTokS[String(n)] ?? 0
            print(String(format: "aggregate x%-3d       %.1f tok/s  (%.2fx batch 1)", n, v, v / max(result.decodeTokS, 1e-9)))
        }
        print(
            String(
                format: "TTFT %d-token prefix cached %.1f ms, uncached %.1f ms (%.2fx)",
                config.sharedPrefixTokens,
                result.ttftCachedMs,
                result.ttftUncachedMs,
                result.ttftCachedMs / max(result.ttftUncachedMs, 1e-9)
            )
        )
        print(
            String(format: "peak RSS             %.1f MiB (model %.1f + KV budget %.1f)", result.peakRssMiB, result.modelFileMiB, result.kvBudgetMiB)
        )
    }
}
