// Enclave: a sequence suspended by its scheduler and resumed produces exactly the tokens of an
// uninterrupted run: on the synthetic model (fast in debug) and on the real SmolLM2 (run optimised).

import EnclaveEngine
import Foundation
import Testing

@Suite struct SequenceSuspensionTests {
    /// Collects a stream's tokens; after `suspendAfter` tokens it suspends the sequence, waits until the
    /// runner has taken it out of the batch (memory released), then resumes it.
    static func collect(
        _ stream: AsyncThrowingStream<TokenEvent, any Error>,
        runner: BatchRunner,
        suspension: SequenceSuspension,
        suspendAfter: Int
    ) async throws -> (tokens: [Int32], parked: RunnerStatistics?) {
        var tokens: [Int32] = []
        var parked: RunnerStatistics?
        for try await event in stream {
            guard case .token(let token) = event else { continue }
            tokens.append(token.id)
            if tokens.count == suspendAfter {
                suspension.suspend()
                var stats = runner.statistics
                for _ in 0..<2000 where stats.suspendedSequences == 0 {
                    try await Task.sleep(for: .milliseconds(1))
                    stats = runner.statistics
                }
                parked = stats
                suspension.resume()
            }
        }
        return (tokens, parked)
    }

    /// Runs `attempt` up to three times until one suspended its sequence before it finished: optimised, a
    /// generation can run to its end between the token the test sees and its call to suspend (the stream
    /// buffers what the runner is ahead by). Every attempt must reproduce the reference; one must have
    /// been suspended.
    static func untilSuspended(
        _ attempt: () async throws -> (tokens: [Int32], parked: RunnerStatistics?),
        reference: [Int32]
    ) async throws -> RunnerStatistics {
        for _ in 0..<3 {
            let (tokens, parked) = try await attempt()
            #expect(tokens == reference)
            if let parked, parked.suspendedSequences == 1 { return parked }
        }
        return try #require(nil as RunnerStatistics?, "the sequence finished before its suspension took effect, three times")
    }

    /// The synthetic model generates faster than a test can read, so the sequence is suspended from the
    /// runner's count of generated tokens, not after a token the test read: once 1, 3, 10 or 30 tokens are
    /// out, until one attempt was parked with some tokens generated and some still to come. Then it is
    /// resumed by recompute.
    @Test func suspendedSyntheticSequenceResumesWithTheSameTokens() async throws {
        let model = try BatchRunnerTests.model()
        let r = try BatchRunnerTests.runner(model)
        defer { r.shutdown() }
        let prompt = BatchRunnerTests.prompt(2, length: 37)
        let reference = try await BatchRunnerTests.collect(r.submit(BatchRunnerTests.request(prompt, 200))).tokens
        var suspendedMidway = false
        for target in [1, 3, 10, 30] where !suspendedMidway {
            let generated = r.statistics.generatedTokens
            let suspension = SequenceSuspension()
            let stream = try r.submit(BatchRunnerTests.request(prompt, 200), suspension: suspension)
            // Spins (a sleep, on a loaded machine, outlasts the whole generation) until `target` tokens are out.
            let deadline = ContinuousClock.now + .seconds(30)
            while r.statistics.generatedTokens - generated < target, ContinuousClock.now < deadline {}
            suspension.suspend()
            var stats = r.statistics
            // Until it is parked, or has generated everything (the suspension came too late).
            for _ in 0..<5000 where stats.suspendedSequences == 0 && stats.generatedTokens - generated < reference.count {
                try await Task.sleep(for: .milliseconds(1))
                stats = r.statistics
            }
            let before = stats.generatedTokens - generated
            if stats.suspendedSequences == 1 {
                #expect(stats.activeSequences == 0 && stats.usedBlocks == 0)
                suspendedMidway = before > 0 && before < reference.count
            }
            suspension.resume()
            #expect(try await BatchRunnerTests.collect(stream).tokens == reference)
        }
        #expect(suspendedMidway, "no attempt suspended the sequence between its first and last token")
    }

    @Test func aSuspendedSequenceGivesItsSlotToAnother() async throws {
        let model = try BatchRunnerTests.model()
        let r = try BatchRunnerTests.runner(model, maxSequences: 1)
        defer { r.shutdown() }
        let long = BatchRunnerTests.prompt(3, length: 20)
        let short = BatchRunnerTests.prompt(5, length: 9)
        let reference = try await BatchRunnerTests.collect(r.submit(BatchRunnerTests.request(long, 60))).tokens
        let shortReference = try await BatchRunnerTests.collect(r.submit(BatchRunnerTests.request(short, 5))).tokens

        let suspension = SequenceSuspension()
        var longTokens: [Int32] = []
        var iterator = try r.submit(BatchRunnerTests.request(long, 60), suspension: suspension).makeAsyncIterator()
        while longTokens.count < 3, let event = try await iterator.next() {
            if case .token(let token) = event { longTokens.append(token.id) }
        }
        suspension.suspend()
        // With one slot, the short request can only run because the long one left it.
        let shortTokens = try await BatchRunnerTests.collect(r.submit(BatchRunnerTests.request(short, 5))).tokens
        #expect(shortTokens == shortReference)
        suspension.resume()
        while let event = try await iterator.next() {
            if case .token(let token) = event { longTokens.append(token.id) }
        }
        #expect(longTokens == reference)
    }

    @Test func cancellingASuspendedSequenceEndsIt() async throws {
        let model = try BatchRunnerTests.model()
        let r = try BatchRunnerTests.runner(model)
        let suspension = SequenceSuspension()
        suspension.suspend()
        let task = Task {
            try await BatchRunnerTests.collect(r.submit(BatchRunnerTests.request(BatchRunnerTests.prompt(1, length: 5), 10), suspension: suspension))
        }
        while r.statistics.suspendedSequences == 0 { try await Task.sleep(for: .milliseconds(1)) }
        task.cancel()
        _ = try? await task.value
        let stats = try await BatchRunnerTests.idle(r)
        for _ in 0..<400 where r.statistics.suspendedSequences > 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(r.statistics.suspendedSequences == 0 && stats.usedBlocks == 0)
        r.shutdown()
    }

    /// The real model, greedy: suspended after 2 tokens, resumed by recompute, the 96 tokens are those of an
    /// uninterrupted run. Engine tests on real models run optimised: `swift test -c release --filter
    /// SequenceSuspensionTests/suspendedSmolLM2SequenceResumesWithTheSameTokens`.
    @Test func suspendedSmolLM2SequenceResumesWithTheSameTokens() async throws {
        let engine = try EngineTests.engine()
        defer { engine.shutdown() }
        let prompt = try engine.chatPrompt([.user("Name three colours of the rainbow.")])
        let request = TokenRequest(prompt: prompt, maxTokens: 96, sampling: .greedy, stopTokens: [])
        let reference = try await BatchRunnerTests.collect(engine.runner.submit(request)).tokens
        let stats = try await Self.untilSuspended(
            {
                let suspension = SequenceSuspension()
                let stream = try engine.runner.submit(request, suspension: suspension)
                return try await Self.collect(stream, runner: engine.runner, suspension: suspension, suspendAfter: 2)
            },
            reference: reference
        )
        #expect(stats.suspendedSequences == 1)
        #expect(reference.count > 2)
    }
}
