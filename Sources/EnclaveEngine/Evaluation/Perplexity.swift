// Enclave: perplexity of a model on a text, with llama.cpp's protocol.

import Foundation

/// The result of a perplexity evaluation.
public struct PerplexityResult: Sendable, Codable, Hashable {
    /// exp(mean negative log-likelihood of the scored tokens).
    public var perplexity: Double
    /// Tokens in the whole text.
    public var tokens: Int
    /// Tokens scored (256 per window).
    public var scored: Int
    /// Windows evaluated.
    public var windows: Int
    /// Tokens per window.
    public var windowSize: Int
    /// Wall time of the evaluation, in seconds (tokenisation excluded).
    public var seconds: Double
}

/// Computes perplexity the way llama.cpp's `perplexity` tool does by default: the text is
/// tokenised without BOS and without parsing special tokens, cut into non-overlapping windows of
/// `windowSize` tokens (the tail is dropped), the first token of each window is replaced by BOS when
/// the model adds BOS, each window is evaluated from an empty cache, and the second half of each
/// window (positions `windowSize/2 - 1 ..< windowSize - 1`) is scored.
public struct PerplexityEvaluator {
    public let model: Model
    public let tokenizer: any Tokenizer
    public var windowSize = 512
    public var threads = RunnerConfiguration.defaultThreads
    public var activationPrecision: ActivationPrecision = .int16

    public init(model: Model, tokenizer: any Tokenizer) {
        self.model = model
        self.tokenizer = tokenizer
    }

    /// Evaluates `text`, calling `progress(windowsDone, windowsTotal)` after each window.
    /// - Throws: ``ModelError`` if the text is shorter than one window.
    public func evaluate(text: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> PerplexityResult {
        let tokens = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        let n = windowSize
        let windows = tokens.count / n
        guard windows >= 1 else {
            throw ModelError(.invalidRequest, "the text has \(tokens.count) tokens, fewer than one window of \(n)")
        }
        let c = model.configuration
        let firstScored = n / 2 - 1
        let scoredPerWindow = n - 1 - firstScored
        let blockSize = 16
        let cache = try KVCache(configuration: c, budgetBytes: KVCache.bytesPerPosition(c) * (n + blockSize), blockSize: blockSize)
        let pool = ThreadPool(threads: threads)
        defer { pool.shutdown() }
        let transformer = Transformer(configuration: c, weights: model.weights, cache: cache, pool: pool, maxBatch: n, maxContext: n)
        transformer.activationPrecision = activationPrecision
        let blocks = (0..<Int32((n + blockSize - 1) / blockSize)).map { $0 }
        let hidden = UnsafeMutablePointer<Float>.allocate(capacity: scoredPerWindow * c.embeddingLength)
        defer { hidden.deallocate() }
        let logitRows = 16
        let logits = UnsafeMutablePointer<Float>.allocate(capacity: logitRows * c.vocabularySize)
        defer { logits.deallocate() }

        let start = Date()
        var nll = 0.0
        var count = 0
        for w in 0..<windows {
            var window = Array(tokens[(w * n)..<((w + 1) * n)])
            if tokenizer.addsBOS, let bos = tokenizer.bosTokenID { window[0] = bos }
            var batch = ForwardBatch()
            let s = batch.addSequence(blocks: blocks)
            for (p, t) in window.enumerated() { batch.add(token: t, position: p, sequence: s, output: p >= firstScored && p < n - 1) }
            transformer.forward(batch, hidden: hidden)
            var row = 0
            while row < scoredPerWindow {
                let rows = min(logitRows, scoredPerWindow - row)
                transformer.logits(hidden: hidden + row * c.embeddingLength, rows: rows, into: logits)
                for j in 0..<rows {
                    let p = firstScored + row + j
                    nll -= Self.logSoftmax(logits + j * c.vocabularySize, count: c.vocabularySize, at: Int(window[p + 1]))
                    count += 1
                }
                row += rows
            }
            progress(w + 1, windows)
        }
        return PerplexityResult(
            perplexity: exp(nll / Double(count)),
            tokens: tokens.count,
            scored: count,
            windows: windows,
            windowSize: n,
            seconds: Date().timeIntervalSince(start)
        )
    }

    /// log(softmax(logits)[index]), computed in double precision.
    static func logSoftmax(_ logits: UnsafePointer<Float>, count: Int, at index: Int) -> Double {
        var m = -Float.infinity
        for i in 0..<count where logits[i] > m { m = logits[i] }
        var sum = 0.0
        for i in 0..<count { sum += Foundation.exp(Double(logits[i] - m)) }
        return Double(logits[index] - m) - Foundation.log(sum)
    }
}
