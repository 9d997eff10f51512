// Enclave: every weight of a model, checked against its hyperparameters at load.

/// The weights of one transformer block.
public struct LayerWeights: Sendable {
    public let attentionNorm: [Float]
    public let wq: WeightMatrix, wk: WeightMatrix, wv: WeightMatrix, wo: WeightMatrix
    public let qBias: [Float]?, kBias: [Float]?, vBias: [Float]?
    /// Gemma 3: per-head RMSNorm gains for queries and keys.
    public let qNorm: [Float]?, kNorm: [Float]?
    /// Gemma 3: norm applied to the attention output before the residual add.
    public let postAttentionNorm: [Float]?
    public let ffnNorm: [Float]
    public let wGate: WeightMatrix, wUp: WeightMatrix, wDown: WeightMatrix
    /// Gemma 3: norm applied to the FFN output before the residual add.
    public let postFFNNorm: [Float]?
}

/// All weights of a model. Matrices point into the mapped file; vectors are small copies.
public struct ModelWeights: Sendable {
    public let tokenEmbedding: WeightMatrix
    public let layers: [LayerWeights]
    public let outputNorm: [Float]
    /// The output projection (`output.weight`, or the embedding table when tied).
    public let output: WeightMatrix
    /// Llama 3.1 per-frequency RoPE factors (`rope_freqs.weight`), if present.
    public let ropeFrequencyFactors: [Float]?

    /// Loads and validates every tensor the architecture needs.
    public init(file: GGUFFile, configuration c: ModelConfiguration) throws {
        let d = c.embeddingLength
        tokenEmbedding = try file.matrix("token_embd.weight", rows: c.vocabularySize, columns: d)
        outputNorm = try file.vector("output_norm.weight", count: d)
        if file.tensor(named: "output.weight") != nil {
            output = try file.matrix("output.weight", rows: c.vocabularySize, columns: d)
        } else {
            output = tokenEmbedding
        }
        ropeFrequencyFactors = try file.optionalVector("rope_freqs.weight", count: c.ropeDimensions / 2)
        var layers = [LayerWeights]()
        layers.reserveCapacity(c.layerCount)
        for i in 0..<c.layerCount {
            let p = "blk.\(i)."
            let gemma = c.architecture == .gemma3
            layers.append(LayerWeights(
                attentionNorm: try file.vector(p + "attn_norm.weight", count: d),
                wq: try file.matrix(p + "attn_q.weight", rows: c.queryLength, columns: d),
                wk: try file.matrix(p + "attn_k.weight", rows: c.kvLength, columns: d),
                wv: try file.matrix(p + "attn_v.weight", rows: c.kvLength, columns: d),
                wo: try file.matrix(p + "attn_output.weight", rows: d, columns: c.queryLength),
                qBias: try file.optionalVector(p + "attn_q.bias", count: c.queryLength),
                kBias: try file.optionalVector(p + "attn_k.bias", count: c.kvLength),
                vBias: try file.optionalVector(p + "attn_v.bias", count: c.kvLength),
                qNorm: gemma ? try file.vector(p + "attn_q_norm.weight", count: c.headDim) : nil,
                kNorm: gemma ? try file.vector(p + "attn_k_norm.weight", count: c.headDim) : nil,
                postAttentionNorm: gemma ? try file.vector(p + "post_attention_norm.weight", count: d) : nil,
                ffnNorm: try file.vector(p + "ffn_norm.weight", count: d),
                wGate: try file.matrix(p + "ffn_gate.weight", rows: c.feedForwardLength, columns: d),
                wUp: try file.matrix(p + "ffn_up.weight", rows: c.feedForwardLength, columns: d),
                wDown: try file.matrix(p + "ffn_down.weight", rows: d, columns: c.feedForwardLength),
                postFFNNorm: gemma ? try file.vector(p + "post_ffw_norm.weight", count: d) : nil
            ))
        }
        self.layers = layers
    }
}
