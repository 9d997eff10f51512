// Enclave: the forward pass of a BERT encoder over a packed batch of sequences.

import CEnclaveKernels

/// Runs a post-LayerNorm BERT encoder over several sequences at once and mean-pools each one.
///
/// The batch is packed: the sequences' tokens lie end to end (T rows of `hidden` floats), so every row-wise step
/// (embeddings, the matrix products, LayerNorm, GELU) works on T real tokens and no padding, and attention, the
/// one step that mixes tokens, runs per sequence and head over that sequence's keys only: the attention mask of
/// a padded batch, without computing the padded positions. Matrix products run on the thread pool, split by output
/// panels, with `enc_sgemm_packed` (weights packed at load, biases added in the product); the row steps
/// (LayerNorm, GELU) run between them, split by rows.
///
/// Not thread-safe: one batch at a time (``SentenceEmbedder`` serialises callers).
final class BertEncoder {
    let configuration: BertConfiguration
    let weights: BertWeights
    let pool: ThreadPool
    /// The most tokens one pass holds.
    let maxTokens: Int
    private let x: UnsafeMutablePointer<Float>
    /// Per-token queries, keys, values and attention outputs (rows of `hidden` floats).
    let queries: UnsafeMutablePointer<Float>
    let keys: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
    let contextRows: UnsafeMutablePointer<Float>
    private let projected: UnsafeMutablePointer<Float>
    private let ffn: UnsafeMutablePointer<Float>

    init(configuration: BertConfiguration, weights: BertWeights, pool: ThreadPool, maxTokens: Int) {
        self.configuration = configuration
        self.weights = weights
        self.pool = pool
        self.maxTokens = max(maxTokens, configuration.maxSequenceLength)
        let rows = self.maxTokens
        let h = configuration.hiddenSize
        x = .allocate(capacity: rows * h)
        queries = .allocate(capacity: rows * h)
        keys = .allocate(capacity: rows * h)
        values = .allocate(capacity: rows * h)
        contextRows = .allocate(capacity: rows * h)
        projected = .allocate(capacity: rows * h)
        ffn = .allocate(capacity: rows * configuration.intermediateSize)
    }

    deinit {
        for buffer in [x, queries, keys, values, contextRows, projected, ffn] { buffer.deallocate() }
    }

    /// The pooled (and, if the model says so, L2-normalised) vector of each sequence. Each sequence holds token
    /// ids below the vocabulary size, `[CLS]` and `[SEP]` included, at most `maxSequenceLength` of them, and all
    /// together at most ``maxTokens``.
    func encode(_ sequences: [[Int]]) -> [[Float]] {
        let c = configuration
        let h = c.hiddenSize
        var starts: [Int] = []
        var total = 0
        for s in sequences {
            precondition(!s.isEmpty && s.count <= c.maxSequenceLength, "a sequence has \(s.count) tokens")
            starts.append(total)
            total += s.count
        }
        precondition(total <= maxTokens, "a pass holds at most \(maxTokens) tokens")
        guard total > 0 else { return [] }
        starts.append(total)
        let ids = sequences.flatMap { $0 }
        let positions = sequences.flatMap { 0..<$0.count }
        let (x, projected, ffn) = (self.x, self.projected, self.ffn)
        let eps = c.layerNormEpsilon
        let w = weights

        // Embeddings.
        pool.parallelFor(total, chunksPerThread: 2) { rows in
            for r in rows {
                let row = x + r * h
                let word = w.wordEmbeddings + ids[r] * h
                let position = w.positionEmbeddings + positions[r] * h
                for j in 0..<h { row[j] = word[j] + position[j] + w.typeEmbeddings[j] }
                enc_layer_norm(row, w.embeddingNormWeight, w.embeddingNormBias, row, Int64(h), eps)
            }
        }
        let width = c.intermediateSize
        for layer in w.layers {
            pool.linear(x, rows: total, [(layer.query, queries), (layer.key, keys), (layer.value, values)])
            attention(starts: starts)
            pool.linear(contextRows, rows: total, [(layer.output, projected)])
            // x = LN(x + attention output).
            pool.parallelFor(total, chunksPerThread: 2) { rows in
                for r in rows {
                    Self.residualNorm(x + r * h, projected + r * h, layer.attentionNormWeight, layer.attentionNormBias, h, eps)
                }
            }
            pool.linear(x, rows: total, [(layer.intermediate, ffn)])
            pool.parallelFor(total, chunksPerThread: 2) { rows in
                for r in rows { enc_gelu_erf(ffn + r * width, Int64(width)) }
            }
            pool.linear(ffn, rows: total, [(layer.down, projected)])
            // x = LN(x + feed-forward output).
            pool.parallelFor(total, chunksPerThread: 2) { rows in
                for r in rows {
                    Self.residualNorm(x + r * h, projected + r * h, layer.outputNormWeight, layer.outputNormBias, h, eps)
                }
            }
        }
        return (0..<sequences.count).map { meanPool(rows: starts[$0]..<starts[$0 + 1]) }
    }

    /// `x = LN(x + y)` over one row of `n` values.
    @inline(__always)
    private static func residualNorm(
        _ x: UnsafeMutablePointer<Float>,
        _ y: UnsafePointer<Float>,
        _ gamma: UnsafePointer<Float>,
        _ beta: UnsafePointer<Float>,
        _ n: Int,
        _ eps: Float
    ) {
        Ops.add(x, y, n)
        enc_layer_norm(x, gamma, beta, x, Int64(n), eps)
    }

    /// The mean of the rows `rows` of `x` (every real token, `[CLS]` and `[SEP]` included), L2-normalised if the
    /// model says so.
    private func meanPool(rows: Range<Int>) -> [Float] {
        let h = configuration.hiddenSize
        var sum = [Double](repeating: 0, count: h)
        for r in rows {
            let row = x + r * h
            for j in 0..<h { sum[j] += Double(row[j]) }
        }
        let count = Double(max(rows.count, 1))
        var mean = sum.map { $0 / count }
        if configuration.normalize {
            let norm = max(mean.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            mean = mean.map { $0 / norm }
        }
        return mean.map { Float($0) }
    }
}
