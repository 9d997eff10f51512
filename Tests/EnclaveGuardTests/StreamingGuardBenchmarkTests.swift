// Enclave guardrails tests: the stream benchmark's chunks and counts (not its timings).

import EnclaveGuard
import Testing

@Suite struct StreamingGuardBenchmarkTests {
    @Test func chunksAreBoundedAndNeverSplitACharacter() {
        let bench = StreamingGuardBenchmark(text: "añb 🎉 日本語 " + StreamingGuardBenchmark.sampleAnswer, chunkBytes: 4, repetitions: 1)
        let chunks = bench.chunks()
        #expect(chunks.joined() == bench.text)
        #expect(chunks.allSatisfy { $0.utf8.count <= 4 || $0.count == 1 })
    }

    @Test func aRunCountsScansAndHeldBytes() {
        let result = StreamingGuardBenchmark(repetitions: 2).run(policy: .standard, scanner: FixtureScanner())
        #expect(result.repetitions == 2)
        #expect(result.chunks > 500)
        #expect(result.scansPerAnswer > 0 && result.scansPerAnswer <= result.chunks + 1)
        #expect(result.maximumHeldBytes > 0 && result.maximumHeldBytes <= 256 + 4)
        #expect(result.share(ofTokensPerSecond: 100) == result.nanosecondsPerChunk * 100 / 1e9)
        let off = StreamingGuardBenchmark(repetitions: 1).run(policy: .off, scanner: FixtureScanner(), canary: nil)
        #expect(off.scansPerAnswer == 0 && off.maximumHeldBytes == 0)
    }
}
