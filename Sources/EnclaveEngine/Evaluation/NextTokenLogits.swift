// Enclave: the logits after a prompt, for comparing the engine with reference implementations.

/// Computes the next-token logits after a prompt with a fresh KV cache, in one forward batch.
public struct NextTokenLogits {
    public let model: Model
    public var threads = RunnerConfiguration.defaultThreads
    public var activationPrecision: ActivationPrecision = .int16
    /// Dequantise weights and multiply in float instead (a slow reference).
    public var exact = false

    public init(model: Model) {
        self.model = model
    }

    /// The logits after `tokens` (all `vocabularySize` of them).
    /// - Throws: ``ModelError`` for an empty prompt or a token outside the vocabulary.
    public func callAsFunction(_ tokens: [Int32]) throws -> [Float] {
        let c = model.configuration
        guard !tokens.isEmpty else { throw ModelError(.invalidRequest, "the prompt is empty") }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= c.vocabularySize }) {
            throw ModelError(.invalidRequest, "token id \(bad) is outside the vocabulary (0..<\(c.vocabularySize))")
        }
        let blockSize = 16
        let blocks = (tokens.count + blockSize - 1) / blockSize
        let cache = try KVCache(configuration: c, budgetBytes: KVCache.bytesPerPosition(c) * blockSize * blocks, blockSize: blockSize)
        let pool = ThreadPool(threads: threads)
        defer { pool.shutdown() }
        let t = Transformer(configuration: c, weights: model.weights, cache: cache, pool: pool, maxBatch: tokens.count, maxContext: tokens.count)
        t.activationPrecision = activationPrecision
        t.exactMatrixProducts = exact
        var batch = ForwardBatch()
        let s = batch.addSequence(blocks: (0..<Int32(blocks)).map { $0 })
        for (i, token) in tokens.enumerated() { batch.add(token: token, position: i, sequence: s, output: i == tokens.count - 1) }
        var hidden = [Float](repeating: 0, count: c.embeddingLength)
        var logits = [Float](repeating: 0, count: c.vocabularySize)
        hidden.withUnsafeMutableBufferPointer { h in
            t.forward(batch, hidden: h.baseAddress!)
            logits.withUnsafeMutableBufferPointer { t.logits(hidden: h.baseAddress!, rows: 1, into: $0.baseAddress!) }
        }
        return logits
    }
}
