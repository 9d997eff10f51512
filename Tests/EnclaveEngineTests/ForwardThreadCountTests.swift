// Enclave: the forward pass gives the same bits whatever the thread count (products and attention are split
// into chunks that threads claim; a chunk may cover the end of one matrix and the start of the next; the row work
// before a product is split between the threads, unevenly when the rows do not divide).

import EnclaveEngine
import Testing

@Suite(.serialized) struct ForwardThreadCountTests {
    /// 21 rows: 10 + 11 per thread with two threads.
    static let sequences = 7

    /// Logits of 7 sequences of 3 tokens each (21 rows in one step, the last token of each sequence scored).
    static func batchLogits(_ path: String, threads: Int) throws -> [Float] {
        let model = try Model(path: path)
        let t = try ForwardTests.transformer(model, threads: threads)
        let bs = t.cache.blockSize
        var batch = ForwardBatch()
        for s in 0..<Self.sequences {
            let seq = batch.addSequence(blocks: [Int32(s)])
            for i in 0..<3 {
                batch.add(token: Int32(100 + 37 * s + 11 * i), position: i, sequence: seq, output: i == 2)
            }
        }
        precondition(bs >= 3)
        let d = t.configuration.embeddingLength
        let v = t.configuration.vocabularySize
        var hidden = [Float](repeating: 0, count: Self.sequences * d)
        var logits = [Float](repeating: 0, count: Self.sequences * v)
        hidden.withUnsafeMutableBufferPointer { h in
            t.forward(batch, hidden: h.baseAddress!)
            logits.withUnsafeMutableBufferPointer { t.logits(hidden: h.baseAddress!, rows: Self.sequences, into: $0.baseAddress!) }
        }
        t.pool.shutdown()
        return logits
    }

    @Test(arguments: [TestModels.smolLM2, TestModels.gemma3])
    func logitsAreBitIdenticalForOneTwoAndThreeThreads(path: String) throws {
        let path = try TestModels.require(path)
        let one = try Self.batchLogits(path, threads: 1)
        #expect(one.contains { $0 != 0 })
        for threads in [2, 3] {
            let other = try Self.batchLogits(path, threads: threads)
            let differing = zip(one, other).filter { $0.0.bitPattern != $0.1.bitPattern }.count
            #expect(differing == 0, "\(differing) of \(one.count) logits differ with \(threads) threads")
        }
    }
}
