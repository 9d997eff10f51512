// Enclave: the engine's speed and memory figures (`enclave bench engine`).

import Foundation

/// Measures the embedded engine on one model: prefill and decode speed, aggregate decode speed
/// under concurrency, time to first token with a shared prefix cached and uncached, and peak
/// resident memory. Every figure is the median of `repetitions` runs.
public struct EngineBenchmark: Sendable {
    /// Settings of a benchmark run.
    public struct Configuration: Sendable {
        public var threads = RunnerConfiguration.defaultThreads
        public var promptTokens = 512
        public var decodeTokens = 128
        public var concurrency = [1, 2, 4, 8, 16]
        public var sharedPrefixTokens = 1000
        public var repetitions = 3
        public var kvBudgetBytes = 512 << 20
        public var activationPrecision: ActivationPrecision = .int16
        public init() {}
    }

    /// The measured figures.
    public struct Result: Sendable, Codable {
        public var model: String
        public var threads: Int
        public var activationPrecision: String
        /// Prompt tokens per second for a `promptTokens` prompt (time to first token).
        public var prefillTokS: Double
        /// Tokens per second of one sequence decoding `decodeTokens` tokens.
        public var decodeTokS: Double
        /// Total tokens per second with N sequences decoding at once, keyed by N: the tokens after each
        /// sequence's first, over the time after the last first token (as ``decodeTokS`` for one sequence).
        public var aggregateTokS: [String: Double]
        /// Time to first token with a `sharedPrefixTokens` prefix already in the cache.
        public var ttftCachedMs: Double
        /// Time to first token for the same prompt with nothing cached.
        public var ttftUncachedMs: Double
        /// Peak resident set size of the process, MiB.
        public var peakRssMiB: Double
        /// Model file size, MiB.
        public var modelFileMiB: Double
        /// KV cache budget, MiB.
        public var kvBudgetMiB: Double

        enum CodingKeys: String, CodingKey {
            case model, threads
            case activationPrecision = "activation_precision"
            case prefillTokS = "prefill_tok_s"
            case decodeTokS = "decode_tok_s"
            case aggregateTokS = "aggregate_tok_s"
            case ttftCachedMs = "ttft_cached_ms"
            case ttftUncachedMs = "ttft_uncached_ms"
            case peakRssMiB = "peak_rss_mib"
            case modelFileMiB = "model_file_mib"
            case kvBudgetMiB = "kv_budget_mib"
        }
    }

    public let model: Model
    public let configuration: Configuration

    public init(model: Model, configuration: Configuration) {
        self.model = model
        self.configuration = configuration
    }

    /// Runs every measurement; `log` receives progress lines.
    public func run(log: (String) -> Void = { _ in }) async throws -> Result {
        let c = configuration
        let maxConcurrency = c.concurrency.max() ?? 1
        var runnerConfig = RunnerConfiguration(
            threads: c.threads,
            kvBudgetBytes: c.kvBudgetBytes,
            contextLength: max(2048, c.sharedPrefixTokens + 64, c.promptTokens + c.decodeTokens + 8),
            maxBatchTokens: max(512, maxConcurrency),
            maxSequences: maxConcurrency
        )
        runnerConfig.activationPrecision = c.activationPrecision
        let runner = try BatchRunner(model: model, configuration: runnerConfig)
        defer { runner.shutdown() }
        var generator = PromptSource(vocabularySize: model.tokenizer.vocabularySize, seed: 7)

        // Warm up (page in the weights).
        _ = try await Self.measure(runner, prompt: generator.next(64), maxTokens: 8)

        var prefill: [Double] = []
        var decode: [Double] = []
        for _ in 0..<c.repetitions {
            let p = try await Self.measure(runner, prompt: generator.next(c.promptTokens), maxTokens: 1)
            prefill.append(Double(c.promptTokens) / p.firstToken)
            let d = try await Self.measure(runner, prompt: generator.next(16), maxTokens: c.decodeTokens)
            decode.append(Double(c.decodeTokens - 1) / (d.total - d.firstToken))
        }
        log(String(format: "prefill %.1f tok/s, decode %.1f tok/s", median(prefill), median(decode)))

        var aggregate: [String: Double] = [:]
        for n in c.concurrency {
            var runs: [Double] = []
            for _ in 0..<c.repetitions {
                let prompts = (0..<n).map { _ in generator.next(16) }
                // As for batch-1 decode: the tokens after each sequence's first, over the time after the last
                // sequence got its first token (so prompt processing is not counted as decoding).
                let firstTokens = try await withThrowingTaskGroup(of: Date.self) { group in
                    for p in prompts {
                        let stream = try runner.submit(TokenRequest(prompt: p, maxTokens: c.decodeTokens, sampling: .greedy, stopTokens: []))
                        group.addTask {
                            var first: Date?
                            for try await event in stream {
                                if case .token = event, first == nil { first = Date() }
                            }
                            return first ?? Date()
                        }
                    }
                    return try await group.reduce(into: [Date]()) { $0.append($1) }
                }
                let decodeStart = firstTokens.max() ?? Date()
                runs.append(Double(n * (c.decodeTokens - 1)) / Date().timeIntervalSince(decodeStart))
            }
            aggregate[String(n)] = median(runs)
            log(String(format: "aggregate decode at %d sequences: %.1f tok/s", n, median(runs)))
        }

        var cached: [Double] = []
        var uncached: [Double] = []
        for _ in 0..<c.repetitions {
            let prefix = generator.next(c.sharedPrefixTokens)
            let cold = try await Self.measure(runner, prompt: prefix + generator.next(24), maxTokens: 1)
            uncached.append(cold.firstToken * 1000)
            let warm = try await Self.measure(runner, prompt: prefix + generator.next(24), maxTokens: 1)
            cached.append(warm.firstToken * 1000)
        }
        log(String(format: "TTFT with a %d-token prefix: cached %.1f ms, uncached %.1f ms", c.sharedPrefixTokens, median(cached), median(uncached)))

        return Result(
            model: model.name,
            threads: c.threads,
            activationPrecision: c.activationPrecision.rawValue,
            prefillTokS: median(prefill),
            decodeTokS: median(decode),
            aggregateTokS: aggregate,
            ttftCachedMs: median(cached),
            ttftUncachedMs: median(uncached),
            peakRssMiB: Double(Self.peakResidentBytes()) / 1_048_576,
            modelFileMiB: Double(model.file.fileSize) / 1_048_576,
            kvBudgetMiB: Double(c.kvBudgetBytes) / 1_048_576
        )
    }

    /// Seconds to the first token and to the end of one request.
    static func measure(_ runner: BatchRunner, prompt: [Int32], maxTokens: Int) async throws -> (firstToken: Double, total: Double) {
        let start = Date()
        var first: Double?
        for try await event in try runner.submit(TokenRequest(prompt: prompt, maxTokens: maxTokens, sampling: .greedy, stopTokens: [])) {
            if case .token = event, first == nil { first = Date().timeIntervalSince(start) }
        }
        return (first ?? 0, Date().timeIntervalSince(start))
    }

    /// Peak resident set size (VmHWM) of this process, in bytes.
    public static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
        return 0
    }
}

/// Distinct pseudo-random prompts (token ids away from the special tokens at the start of a vocabulary).
struct PromptSource {
    let vocabularySize: Int
    var state: UInt64

    init(vocabularySize: Int, seed: UInt64) {
        self.vocabularySize = vocabularySize
        state = seed
    }

    mutating func next(_ count: Int) -> [Int32] {
        (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let low = min(1000, vocabularySize / 2)
            return Int32(low + Int((state >> 33) % UInt64(vocabularySize - low)))
        }
    }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
