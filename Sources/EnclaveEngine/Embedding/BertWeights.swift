// Enclave: the weights of a BERT encoder, read in place from its safetensors file.

/// The tensors of a BERT encoder (HF `BertModel` names, with or without a `bert.` prefix), F32, checked against
/// the configuration. Matrices are PyTorch `Linear` weights `[out, in]`, copied at load into the panels of `enc_sgemm_packed` (``PackedLinear``).
struct BertWeights: @unchecked Sendable {
    // The pointers refer to the read-only mapping owned by `file`, which the weights keep alive.
    struct Layer {
        let query: PackedLinear, key: PackedLinear, value: PackedLinear, output: PackedLinear
        let attentionNormWeight: UnsafePointer<Float>, attentionNormBias: UnsafePointer<Float>
        let intermediate: PackedLinear, down: PackedLinear
        let outputNormWeight: UnsafePointer<Float>, outputNormBias: UnsafePointer<Float>
    }

    let file: SafetensorsFile
    let wordEmbeddings: UnsafePointer<Float>
    let positionEmbeddings: UnsafePointer<Float>
    let typeEmbeddings: UnsafePointer<Float>
    let embeddingNormWeight: UnsafePointer<Float>
    let embeddingNormBias: UnsafePointer<Float>
    let layers: [Layer]

    /// Reads and checks every tensor the encoder needs.
    /// - Throws: ``SafetensorsError`` naming a missing or misshapen tensor.
    init(file: SafetensorsFile, configuration c: BertConfiguration) throws {
        let prefix =
            file.tensors["embeddings.word_embeddings.weight"] == nil && file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        let h = c.hiddenSize
        let i = c.intermediateSize
        func vector(_ name: String, _ count: Int) throws -> UnsafePointer<Float> { try file.floats(prefix + name, shape: [count]) }
        func linear(_ name: String, rows: Int, columns: Int) throws -> PackedLinear {
            let weight = try file.floats(prefix + name + ".weight", shape: [rows, columns])
            return PackedLinear(weight: weight, bias: try vector(name + ".bias", rows), outputs: rows, inputs: columns)
        }
        self.file = file
        wordEmbeddings = try file.floats(prefix + "embeddings.word_embeddings.weight", shape: [c.vocabularySize, h])
        positionEmbeddings = try file.floats(prefix + "embeddings.position_embeddings.weight", shape: [c.maxPositions, h])
        typeEmbeddings = try file.floats(prefix + "embeddings.token_type_embeddings.weight", shape: [c.typeVocabularySize, h])
        embeddingNormWeight = try vector("embeddings.LayerNorm.weight", h)
        embeddingNormBias = try vector("embeddings.LayerNorm.bias", h)
        layers = try (0..<c.layers).map { l in
            let p = "encoder.layer.\(l)."
            return Layer(
                query: try linear(p + "attention.self.query", rows: h, columns: h),
                key: try linear(p + "attention.self.key", rows: h, columns: h),
                value: try linear(p + "attention.self.value", rows: h, columns: h),
                output: try linear(p + "attention.output.dense", rows: h, columns: h),
                attentionNormWeight: try vector(p + "attention.output.LayerNorm.weight", h),
                attentionNormBias: try vector(p + "attention.output.LayerNorm.bias", h),
                intermediate: try linear(p + "intermediate.dense", rows: i, columns: h),
                down: try linear(p + "output.dense", rows: h, columns: i),
                outputNormWeight: try vector(p + "output.LayerNorm.weight", h),
                outputNormBias: try vector(p + "output.LayerNorm.bias", h)
            )
        }
    }
}
