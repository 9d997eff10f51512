// Enclave: hyperparameters of a loaded model.

/// The hyperparameters of a transformer, read from GGUF metadata plus the values llama.cpp fixes
/// in code for each architecture (see engine-facts-gemma3.md §1.2).
public struct ModelHyperparameters: Sendable, Equatable {
    public var architecture: Architecture
    /// Number of transformer blocks.
    public var layerCount: Int
    /// Width of the residual stream (n_embd).
    public var embeddingLength: Int
    /// Hidden width of the feed-forward network.
    public var feedForwardLength: Int
    /// Query heads.
    public var headCount: Int
    /// Key/value heads (grouped-query attention when fewer than `headCount`).
    public var kvHeadCount: Int
    /// Width of one head.
    public var headDim: Int
    /// Vocabulary size (rows of the embedding table).
    public var vocabularySize: Int
    /// The context length the model was trained with.
    public var trainedContextLength: Int
    /// RMSNorm epsilon.
    public var rmsEpsilon: Float
    /// RoPE base for global (full-attention) layers.
    public var ropeBase: Float
    /// RoPE base for sliding-window layers.
    public var ropeBaseLocal: Float
    /// Rotated dimensions per head.
    public var ropeDimensions: Int
    /// Positions are divided by this factor (linear RoPE scaling) on global layers.
    public var ropeLinearScale: Float
    public var ropeStyle: RoPEStyle
    /// Sliding window in tokens for local layers (0: none).
    public var slidingWindow: Int
    /// Every `slidingWindowPattern`-th layer is global; the others are local (0: all global).
    public var slidingWindowPattern: Int
    /// Factor applied to embeddings on input (Gemma: sqrt(n_embd)).
    public var embeddingScale: Float
    /// Factor applied to attention scores.
    public var attentionScale: Float

    /// Width of all query heads together.
    public var queryLength: Int { headCount * headDim }
    /// Width of all key (or value) heads together.
    public var kvLength: Int { kvHeadCount * headDim }

    /// Whether layer `index` uses the sliding window.
    public func isLocalLayer(_ index: Int) -> Bool {
        slidingWindow > 0 && slidingWindowPattern > 0 && (index % slidingWindowPattern) < slidingWindowPattern - 1
    }

    /// Reads and validates the hyperparameters of `file`.
    /// - Throws: ``ModelError`` for an unsupported architecture (named), or a ``GGUFError`` for a
    ///   missing or out-of-range key.
    public init(file: GGUFFile) throws {
        let m = file.metadata
        guard let archName = m.string("general.architecture") else {
            throw ModelError(.unsupportedArchitecture, "\(file.path): general.architecture is missing")
        }
        guard let arch = Architecture(rawValue: archName) else {
            let known = Architecture.allCases.map(\.rawValue).joined(separator: ", ")
            throw ModelError(.unsupportedArchitecture, "\(file.path): architecture '\(archName)' is not supported (supported: \(known))")
        }
        architecture = arch
        let p = archName
        layerCount = try m.requireInt("\(p).block_count", in: 1...512)
        embeddingLength = try m.requireInt("\(p).embedding_length", in: 1...65_536)
        feedForwardLength = try m.requireInt("\(p).feed_forward_length", in: 1...1_048_576)
        headCount = try m.requireInt("\(p).attention.head_count", in: 1...1024)
        kvHeadCount = try m.optionalInt("\(p).attention.head_count_kv", in: 1...1024) ?? headCount
        guard headCount % kvHeadCount == 0 else {
            throw ModelError(.invalidHyperparameter, "\(file.path): head_count \(headCount) is not a multiple of head_count_kv \(kvHeadCount)")
        }
        let defaultHeadDim = embeddingLength / headCount
        headDim = try m.optionalInt("\(p).attention.key_length", in: 1...4096) ?? defaultHeadDim
        let valueLength = try m.optionalInt("\(p).attention.value_length", in: 1...4096) ?? headDim
        guard valueLength == headDim, headDim % 2 == 0 else {
            throw ModelError(.invalidHyperparameter, "\(file.path): key_length \(headDim) and value_length \(valueLength) must be equal and even")
        }
        trainedContextLength = try m.optionalInt("\(p).context_length", in: 1...(1 << 24)) ?? 2048
        let tokens = try m.stringArray("tokenizer.ggml.tokens")
        vocabularySize = try m.optionalInt("\(p).vocab_size", in: 1...(1 << 24)) ?? tokens?.count ?? 0
        let epsilonDefault: Double = arch == .gemma3 ? 1e-6 : 1e-5
        rmsEpsilon = Float(try m.optionalDouble("\(p).attention.layer_norm_rms_epsilon", in: 0...1) ?? epsilonDefault)
        ropeDimensions = try m.optionalInt("\(p).rope.dimension_count", in: 2...headDim) ?? headDim
        let baseDefault: Double = arch == .gemma3 ? 1_000_000 : 10_000
        ropeBase = Float(try m.optionalDouble("\(p).rope.freq_base", in: 1...1e12) ?? baseDefault)
        var scale: Double = 1
        if let type = m.string("\(p).rope.scaling.type"), type != "none" {
            guard type == "linear" else {
                throw ModelError(.invalidHyperparameter, "\(file.path): RoPE scaling type '\(type)' is not supported (none, linear)")
            }
            scale = try m.optionalDouble("\(p).rope.scaling.factor", in: 1...1024) ?? 1
        }
        ropeLinearScale = Float(scale)

        switch arch {
        case .llama:
            ropeStyle = .adjacent
            ropeBaseLocal = ropeBase
            slidingWindow = 0
            slidingWindowPattern = 0
            embeddingScale = 1
            attentionScale = 1 / Float(headDim).squareRoot()
        case .gemma3:
            ropeStyle = .halves
            ropeBaseLocal = Float(try m.optionalDouble("\(p).rope.freq_base_swa", in: 1...1e12) ?? 10_000)
            slidingWindow = try m.optionalInt("\(p).attention.sliding_window", in: 0...(1 << 24)) ?? 0
            slidingWindowPattern = try m.optionalInt("\(p).attention.sliding_window_pattern", in: 1...64) ?? 6
            embeddingScale = Float(embeddingLength).squareRoot()
            // 27B (62 layers) scales by n_embd/n_head; the others by head_dim (HF query_pre_attn_scalar).
            attentionScale =
                layerCount == 62
                ? 1 / (Float(embeddingLength) / Float(headCount)).squareRoot()
                : 1 / Float(headDim).squareRoot()
        }
        guard vocabularySize > 0 else {
            throw ModelError(.invalidHyperparameter, "\(file.path): the vocabulary size is unknown (no tokenizer.ggml.tokens)")
        }
    }
}
