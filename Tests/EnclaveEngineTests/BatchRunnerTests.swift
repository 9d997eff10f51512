// Enclave: continuous batching on a small synthetic model: batching, prefix cache, memory waits,
// preemption and cancellation, each checked against solo runs of the same requests.

import EnclaveEngine
import Foundation
import Testing

@Suite struct BatchRunnerTests {
    static let spec = SyntheticSpec(
        architecture: "llama",
        layers: 2,
        embedding: 64,
        feedForward: 128,
        heads: 4,
        kvHeads: 2,
        headDim: 16,
        vocabulary: 48,
        weightType: .q8_0,
        seed: 5
    )

    static func model() throws -> Model {
        try Model(path: SyntheticModel.write(spec))
    }

    static func runner(_ model: Model, blocks: Int = 64, maxSequences: Int = 8, maxBatch: Int = 64, chunk: Int = 8) throws -> BatchRunner {
        let config = RunnerConfiguration(
            threads: 2,
            kvBudgetBytes: KVCache.bytesPerPosition(model.configuration) * 16 * blocks,
            contextLength: 256,
            maxBatchTokens: maxBatch,
            maxSequences: maxSequences,
            prefillChunkWhileDecoding: chunk,
            blockSize: 16
        )
        return try BatchRunner(model: model, configuration: config)
    }

    static func prompt(_ seed: Int, length: Int) -> [Int32] {
        (0..<length).map { Int32((seed * 7 + $0 * 13 + ($0 * $0) % 5) % 47 + 1) }
    }

    struct Outcome: Equatable {
        var tokens: [Int32] = []
        var reason: SequenceEndReason?
        var cached = 0
    }

    static func collect(_ stream: AsyncThrowingStream<TokenEvent, any Error>) async throws -> Outcome {
        var o = Outcome()
        for try await e in stream {
            switch e {
            case .promptProcessed(_, let cached): o.cached = cached
            case .token(let t): o.tokens.append(t.id)
            case .finished(let r): o.reason = r
            }
        }
        return o
    }

    /// The statistics once the runner has published its last step (they lag the streams slightly).
    static func idle(_ r: BatchRunner) async throws -> RunnerStatistics {
        var stats = r.statistics
        for _ in 0..<400 where stats.activeSequences > 0 || stats.usedBlocks > 0 {
            try await Task.sleep(for: .milliseconds(5))
            stats = r.statistics
        }
        return stats
    }

    static func request(_ prompt: [Int32], _ n: Int) -> TokenRequest {
        TokenRequest(prompt: prompt, maxTokens: n, sampling: .greedy, stopTokens: [])
    }

    @Test func concurrentSequencesGiveTheSameTokensAsSoloRuns() async throws {
        let model = try Self.model()
        let prompts = (0..<6).map { Self.prompt($0, length: 5 + 9 * $0) }
        var solo: [Outcome] = []
        do {
            let r = try Self.runner(model)
            defer { r.shutdown() }
            for p in prompts { solo.append(try await Self.collect(r.submit(Self.request(p, 20)))) }
        }
        let r = try Self.runner(model)
        defer { r.shutdown() }
        let streams = try prompts.map { try r.submit(Self.request($0, 20)) }
        var together: [Outcome] = []
        for s in streams { together.append(try await Self.collect(s)) }
        #expect(together.map(\.tokens) == solo.map(\.tokens))
        #expect(together.allSatisfy { $0.reason == .length && $0.tokens.count == 20 })
        // Several sequences shared steps.
        #expect(r.statistics.steps < 6 * 20)
    }

    @Test func samePrefixIsServedFromTheCache() async throws {
        let model = try Self.model()
        let r = try Self.runner(model)
        defer { r.shutdown() }
        let p = Self.prompt(3, length: 40)
        let first = try await Self.collect(r.submit(Self.request(p, 20)))
        #expect(first.cached == 0)
        let second = try await Self.collect(r.submit(Self.request(p, 20)))
        #expect(second.cached == 32)  // (40 - 1) / 16 full blocks
        #expect(second.tokens == first.tokens)
        // A chat's next turn: the earlier prompt and reply (59 positions computed, 3 full blocks) are reused.
        let longer = p + first.tokens + Self.prompt(9, length: 10)
        let third = try await Self.collect(r.submit(Self.request(longer, 4)))
        #expect(third.cached == 48)
        #expect(r.statistics.prefixCachedTokens == 80)
    }

    @Test func requestsWaitForMemoryAndAllFinishCorrectly() async throws {
        let model = try Self.model()
        let prompts = (0..<4).map { Self.prompt(10 + $0, length: 30) }
        var solo: [[Int32]] = []
        do {
            let r = try Self.runner(model)
            defer { r.shutdown() }
            for p in prompts { solo.append(try await Self.collect(r.submit(Self.request(p, 30))).tokens) }
        }
        // 8 blocks = 128 positions; each request needs 60: at most two fit at once.
        let r = try Self.runner(model, blocks: 8)
        defer { r.shutdown() }
        let streams = try prompts.map { try r.submit(Self.request($0, 30)) }
        var got: [[Int32]] = []
        for s in streams { got.append(try await Self.collect(s).tokens) }
        #expect(got == solo)
        let stats = try await Self.idle(r)
        #expect(stats.activeSequences == 0 && stats.usedBlocks == 0)
    }

    @Test func preemptedSequencesResumeWithIdenticalOutput() async throws {
        let model = try Self.model()
        let prompts = (0..<3).map { Self.prompt(20 + $0, length: 10) }
        var solo: [[Int32]] = []
        do {
            let r = try Self.runner(model)
            defer { r.shutdown() }
            for p in prompts { solo.append(try await Self.collect(r.submit(Self.request(p, 50))).tokens) }
        }
        // 6 blocks = 96 positions: three short prompts are admitted, then run out while growing to 60 each.
        let r = try Self.runner(model, blocks: 6)
        defer { r.shutdown() }
        let streams = try prompts.map { try r.submit(Self.request($0, 50)) }
        var got: [[Int32]] = []
        for s in streams { got.append(try await Self.collect(s).tokens) }
        #expect(got == solo)
        #expect(r.statistics.preemptions > 0)
    }

    @Test func stopTokensEndTheSequence() async throws {
        let model = try Self.model()
        let r = try Self.runner(model)
        defer { r.shutdown() }
        let free = try await Self.collect(r.submit(Self.request(Self.prompt(4, length: 12), 10)))
        let stopAt = free.tokens[3]
        let stopped = try await Self.collect(
            r.submit(TokenRequest(prompt: Self.prompt(4, length: 12), maxTokens: 10, sampling: .greedy, stopTokens: [stopAt]))
        )
        let firstIndex = free.tokens.firstIndex(of: stopAt)!
        #expect(stopped.tokens == Array(free.tokens[...firstIndex]))
        #expect(stopped.reason == .stop)
    }

    @Test func impossibleRequestsAreRefusedUpFront() throws {
        let model = try Self.model()
        let r = try Self.runner(model, blocks: 4)
        defer { r.shutdown() }
        let tooLong = #expect(throws: ModelError.self) { try r.submit(Self.request(Self.prompt(1, length: 250), 10)) }
        #expect(tooLong?.code == .contextLengthExceeded)
        // A client's max_tokens of Int.max must not wrap around the prompt length (this target has no overflow checks).
        for huge in [Int.max, Int.max - 2] {
            let overflow = #expect(throws: ModelError.self) { try r.submit(Self.request(Self.prompt(1, length: 3), huge)) }
            #expect(overflow?.code == .contextLengthExceeded)
        }
        let tooBig = #expect(throws: ModelError.self) { try r.submit(Self.request(Self.prompt(1, length: 60), 10)) }
        #expect(tooBig?.code == .outOfMemory)
        let empty = #expect(throws: ModelError.self) { try r.submit(Self.request([], 10)) }
        #expect(empty?.code == .invalidRequest)
        let badID = #expect(throws: ModelError.self) { try r.submit(Self.request([1, 999], 10)) }
        #expect(badID?.code == .invalidRequest)
        #expect(throws: SamplingError.self) {
            var bad = SamplingParameters.greedy
            bad.topP = 7
            _ = try r.submit(TokenRequest(prompt: [1], maxTokens: 1, sampling: bad, stopTokens: []))
        }
    }
}
