// Enclave: the forward pass of the llama and gemma3 architectures over a batch of tokens.

import Foundation

/// Runs batches of tokens through a model: embeddings, the transformer blocks (attention over the
/// paged KV cache, feed-forward), the final norm, and the output projection for the rows that need
/// logits. One instance owns its scratch memory and must be driven by one thread at a time; the
/// heavy loops run on its thread pool.
public final class Transformer: @unchecked Sendable {
    // Safety: used by one driving thread at a time (the runner, or a CLI command); see the doc comment.
    public let configuration: ModelHyperparameters
    public let weights: ModelWeights
    public let cache: KVCache
    public let pool: ThreadPool
    /// Most tokens one forward step may hold.
    public let maxBatch: Int
    let matmul: MatMul

    // Scratch, sized for `maxBatch` tokens.
    let x: UnsafeMutablePointer<Float>  // residual stream [B x d]
    let xn: UnsafeMutablePointer<Float>  // normed input [B x d]
    let q: UnsafeMutablePointer<Float>  // [B x qLen]
    let k: UnsafeMutablePointer<Float>  // [B x kvLen]
    let v: UnsafeMutablePointer<Float>  // [B x kvLen]
    let attn: UnsafeMutablePointer<Float>  // attention output [B x qLen]
    let proj: UnsafeMutablePointer<Float>  // projection output [B x d]
    let gate: UnsafeMutablePointer<Float>  // [B x ff]
    let up: UnsafeMutablePointer<Float>  // [B x ff]
    let ropeCos: UnsafeMutablePointer<Float>  // [2 (global, local) x B x pairs]
    let ropeSin: UnsafeMutablePointer<Float>
    let inverseFrequencies: [Float]
    let inverseFrequenciesLocal: [Float]
    let maxContext: Int
    /// Attention works on tiles of up to this many tokens of one sequence (times the query heads of
    /// one KV head), so each key and value row is read and widened once for all of them.
    let attentionTileTokens: Int
    /// Queries of one tile; per thread [tileQueries x headDim].
    let tileQueries: UnsafeMutablePointer<Float>
    /// Scores (then probabilities) of one tile; per thread [tileQueries x maxContext].
    let tileScores: UnsafeMutablePointer<Float>
    /// Outputs of one tile; per thread [tileQueries x headDim].
    let tileOutputs: UnsafeMutablePointer<Float>
    /// Consecutive batch rows of one sequence, at most `attentionTileTokens` long: (first row, count).
    var attentionTiles: [(start: Int, count: Int)] = []

    /// Creates a forward pass over `weights` using `cache`, for steps of up to `maxBatch` tokens and
    /// sequences of up to `maxContext` positions.
    public init(configuration: ModelHyperparameters, weights: ModelWeights, cache: KVCache, pool: ThreadPool, maxBatch: Int, maxContext: Int) {
        self.configuration = configuration
        self.weights = weights
        self.cache = cache
        self.pool = pool
        self.maxBatch = maxBatch
        self.maxContext = maxContext
        let c = configuration
        let d = c.embeddingLength
        matmul = MatMul(pool: pool, maxRows: maxBatch, maxColumns: max(d, c.queryLength, c.feedForwardLength))
        func buffer(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        x = buffer(maxBatch * d)
        xn = buffer(maxBatch * d)
        q = buffer(maxBatch * c.queryLength)
        k = buffer(maxBatch * c.kvLength)
        v = buffer(maxBatch * c.kvLength)
        attn = buffer(maxBatch * c.queryLength)
        proj = buffer(maxBatch * d)
        gate = buffer(maxBatch * c.feedForwardLength)
        up = buffer(maxBatch * c.feedForwardLength)
        let pairs = c.ropeDimensions / 2
        ropeCos = buffer(2 * maxBatch * pairs)
        ropeSin = buffer(2 * maxBatch * pairs)
        let group = c.headCount / c.kvHeadCount
        attentionTileTokens = max(1, 16 / group)
        let queriesPerTile = attentionTileTokens * group
        tileQueries = buffer(pool.threadCount * queriesPerTile * c.headDim)
        tileScores = buffer(pool.threadCount * queriesPerTile * maxContext)
        tileOutputs = buffer(pool.threadCount * queriesPerTile * c.headDim)
        func frequencies(base: Float, factors: [Float]?) -> [Float] {
            (0..<pairs).map { i in
                let f = Float(pow(Double(base), -2 * Double(i) / Double(c.ropeDimensions)))
                return f / (factors?[i] ?? 1)
            }
        }
        inverseFrequencies = frequencies(base: c.ropeBase, factors: weights.ropeFrequencyFactors)
        inverseFrequenciesLocal = frequencies(base: c.ropeBaseLocal, factors: nil)
    }

    /// How the inputs of matrix products are quantised (16-bit by default).
    public var activationPrecision: ActivationPrecision {
        get { matmul.precision }
        set { matmul.precision = newValue }
    }

    /// Whether matrix products run in float on dequantised weights (a slow reference mode for
    /// checking accuracy) instead of int8 products on quantised inputs (the default).
    public var exactMatrixProducts: Bool {
        get { matmul.exact }
        set { matmul.exact = newValue }
    }

    deinit {
        for p in [x, xn, q, k, v, attn, proj, gate, up, ropeCos, ropeSin, tileQueries, tileScores, tileOutputs] { p.deallocate() }
    }

    /// Runs `batch` through the model and writes the final normed hidden state of each output row
    /// into `hidden` (`batch.outputRows.count` rows of `embeddingLength`).
    public func forward(_ batch: ForwardBatch, hidden: UnsafeMutablePointer<Float>) {
        let n = batch.count
        precondition(n > 0 && n <= maxBatch, "batch of \(n) tokens (limit \(maxBatch))")
        let c = configuration
        let d = c.embeddingLength
        embed(batch)
        prepareRoPE(batch)
        // Each block's output is added to the residual stream, and the sum normed for the next block, row by row
        // inside the next product's parallel region (see ``MatMul``).
        for layer in 0..<c.layerCount {
            let w = weights.layers[layer]
            let previous = layer > 0 ? weights.layers[layer - 1] : nil
            attentionBlock(layer: layer, weights: w, batch: batch) { rows in
                if let previous { self.addBlockOutput(rows: rows, postNorm: previous.postFFNNorm) }
                self.normalize(rows: rows, w.attentionNorm)
            }
            feedForward(weights: w, rows: n) { rows in
                self.addBlockOutput(rows: rows, postNorm: w.postAttentionNorm)
                self.normalize(rows: rows, w.ffnNorm)
            }
        }
        addBlockOutput(rows: 0..<n, postNorm: weights.layers.last?.postFFNNorm)
        for (j, row) in batch.outputRows.enumerated() {
            Ops.rmsNorm(x + row * d, weights.outputNorm, hidden + j * d, d, c.rmsEpsilon)
        }
    }

    /// Computes logits for `rows` hidden states (from ``forward(_:hidden:)``) into `logits`
    /// (`rows` rows of `vocabularySize`).
    public func logits(hidden: UnsafePointer<Float>, rows: Int, into logits: UnsafeMutablePointer<Float>) {
        var done = 0
        while done < rows {
            let n = min(maxBatch, rows - done)
            matmul(
                hidden + done * configuration.embeddingLength,
                rows: n,
                columns: configuration.embeddingLength,
                LinearTarget(weights.output, logits + done * configuration.vocabularySize)
            )
            done += n
        }
    }

    private func embed(_ batch: ForwardBatch) {
        let d = configuration.embeddingLength
        let scale = configuration.embeddingScale
        for (i, token) in batch.tokens.enumerated() {
            precondition(token >= 0 && Int(token) < weights.tokenEmbedding.rows, "token id \(token) is outside the vocabulary")
            weights.tokenEmbedding.dequantizeRow(Int(token), into: x + i * d)
            if scale != 1 { Ops.scale(x + i * d, scale, d) }
        }
    }

    private func prepareRoPE(_ batch: ForwardBatch) {
        let c = configuration
        let pairs = c.ropeDimensions / 2
        let n = batch.count
        for i in 0..<n {
            let pos = Float(batch.positions[i])
            let global = pos / c.ropeLinearScale
            for j in 0..<pairs {
                let a = global * inverseFrequencies[j]
                ropeCos[i * pairs + j] = cos(a)
                ropeSin[i * pairs + j] = sin(a)
                let b = pos * inverseFrequenciesLocal[j]
                ropeCos[(n + i) * pairs + j] = cos(b)
                ropeSin[(n + i) * pairs + j] = sin(b)
            }
        }
    }

    /// The feed-forward block of `n` rows of `xn` (written by `prepare`) into `proj`.
    private func feedForward(weights w: LayerWeights, rows n: Int, prepare: (Range<Int>) -> Void) {
        let c = configuration
        let ff = c.feedForwardLength
        matmul(xn, rows: n, columns: c.embeddingLength, LinearTarget(w.wGate, gate), LinearTarget(w.wUp, up), prepare: prepare)
        let gate = self.gate
        let up = self.up
        let gelu = c.architecture == .gemma3
        matmul(gate, rows: n, columns: ff, LinearTarget(w.wDown, proj)) { rows in
            let start = rows.lowerBound * ff
            let count = rows.count * ff
            if gelu {
                Ops.geluMul(gate + start, up + start, count)
            } else {
                Ops.siluMul(gate + start, up + start, count)
            }
        }
    }

    /// Adds a block's output (`proj`, after `postNorm` when the architecture has one) to the residual stream.
    func addBlockOutput(rows: Range<Int>, postNorm: [Float]?) {
        let d = configuration.embeddingLength
        let eps = configuration.rmsEpsilon
        for i in rows {
            if let postNorm { Ops.rmsNorm(proj + i * d, postNorm, proj + i * d, d, eps) }
            Ops.add(x + i * d, proj + i * d, d)
        }
    }

    /// Norms residual rows into `xn`.
    func normalize(rows: Range<Int>, _ weight: [Float]) {
        let d = configuration.embeddingLength
        for i in rows { Ops.rmsNorm(x + i * d, weight, xn + i * d, d, configuration.rmsEpsilon) }
    }
}
