// Enclave: end-to-end forward pass checks against the reference logits of engine-facts.md.

import EnclaveEngine
import Foundation
import Testing

@Suite(.serialized) struct ForwardTests {
    static func transformer(_ model: Model, threads: Int = 2, maxBatch: Int = 64) throws -> Transformer {
        let cache = try KVCache(configuration: model.configuration, budgetBytes: 64 << 20)
        return Transformer(
            configuration: model.configuration,
            weights: model.weights,
            cache: cache,
            pool: ThreadPool(threads: threads),
            maxBatch: maxBatch,
            maxContext: 2048
        )
    }

    /// Runs `tokens` as one sequence from position 0 and returns the logits of the last token.
    static func lastLogits(_ t: Transformer, _ tokens: [Int32]) -> [Float] {
        let bs = t.cache.blockSize
        let blocks = (0..<Int32((tokens.count + bs - 1) / bs)).map { $0 }
        var batch = ForwardBatch()
        let s = batch.addSequence(blocks: blocks)
        for (i, tok) in tokens.enumerated() { batch.add(token: tok, position: i, sequence: s, output: i == tokens.count - 1) }
        let d = t.configuration.embeddingLength
        var hidden = [Float](repeating: 0, count: d)
        var logits = [Float](repeating: 0, count: t.configuration.vocabularySize)
        hidden.withUnsafeMutableBufferPointer { h in
            t.forward(batch, hidden: h.baseAddress!)
            logits.withUnsafeMutableBufferPointer { t.logits(hidden: h.baseAddress!, rows: 1, into: $0.baseAddress!) }
        }
        return logits
    }

    static func top(_ logits: [Float], _ k: Int) -> [(Int, Float)] {
        Array(logits.enumerated().sorted { $0.element > $1.element }.prefix(k)).map { ($0.offset, $0.element) }
    }

    static let francePrompt: [Int32] = [
        1, 9690, 198, 2683, 359, 253, 5356, 5646, 11173, 3365, 3511, 308, 34519, 28, 7018, 411, 407, 19712, 8182, 2, 198, 1, 4093, 198, 1780, 314,
        260, 3575, 282, 4649, 47, 2, 198, 1, 520, 9531, 198,
    ]

    @Test func smolLM2FranceTop5() throws {
        let model = try Model(path: TestModels.require(TestModels.smolLM2))
        let t = try Self.transformer(model)
        defer { t.pool.shutdown() }
        let logits = Self.lastLogits(t, Self.francePrompt)
        let expected: [(Int, Float)] = [(504, 25.3254), (60, 25.2433), (15319, 24.9424), (2219, 24.4017), (7026, 24.3146)]
        let got = Self.top(logits, 5)
        print("smollm2 top5", got)
        for (id, value) in expected {
            #expect(abs(logits[id] - value) < 0.05, "logit of \(id): \(logits[id]) vs \(value)")
        }
        #expect(Set(got.map(\.0)) == Set(expected.map(\.0)))
    }

    @Test func smolLM2FranceExact() throws {
        let model = try Model(path: TestModels.require(TestModels.smolLM2))
        let t = try Self.transformer(model)
        defer { t.pool.shutdown() }
        t.exactMatrixProducts = true
        let logits = Self.lastLogits(t, Self.francePrompt)
        let expected: [(Int, Float)] = [(504, 25.3254), (60, 25.2433), (15319, 24.9424), (2219, 24.4017), (7026, 24.3146)]
        print("exact top5", Self.top(logits, 5), expected.map { logits[$0.0] })
        for (id, value) in expected {
            #expect(abs(logits[id] - value) < 0.02, "logit of \(id): \(logits[id]) vs \(value)")
        }
    }

    @Test func smolLM2SingleToken() throws {
        let model = try Model(path: TestModels.require(TestModels.smolLM2))
        let t = try Self.transformer(model)
        defer { t.pool.shutdown() }
        let logits = Self.lastLogits(t, [1])
        for (i, e) in [Float(13.4255), 3.4145, 6.3222, 2.1176, 3.4407].enumerated() {
            #expect(abs(logits[i] - e) < 0.05, "logit \(i): \(logits[i]) vs \(e)")
        }
        #expect(Self.top(logits, 1)[0].0 == 29)
    }

    @Test func gemma3CapitalTop5() throws {
        let model = try Model(path: TestModels.require(TestModels.gemma3))
        let t = try Self.transformer(model)
        defer { t.pool.shutdown() }
        let logits = Self.lastLogits(t, [2, 818, 5279, 529, 7001, 563])
        let expected: [(Int, Float)] = [(506, 18.9994), (496, 18.4923), (9079, 18.3238), (886, 18.1026), (3224, 17.7013)]
        let got = Self.top(logits, 5)
        print("gemma top5", got)
        #expect(got.map(\.0) == expected.map(\.0))
        for (id, value) in expected {
            #expect(abs(logits[id] - value) < 0.3, "logit of \(id): \(logits[id]) vs \(value)")
        }
    }
}
