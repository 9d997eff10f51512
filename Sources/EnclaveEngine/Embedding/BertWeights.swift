// Enclave: the weights of a BERT encoder, read in place from its safetensors file.

/// The tensors of a BERT encoder (HF `BertModel` names, with or without a `bert.` prefix), F32, checked against
/// the configuration. Matrices are PyTorch `Linear` weights `[out, in]`, the layout the matrix kernels take.
struct BertWeights: @unchecked Sendable {
    // The pointers refer to the read-only mapping owned by `file`, which the weights keep alive.
    struct Layer {
        let query: WeightMatrix, key: WeightMatrix, value: WeightMatrix, output: WeightMatrix
        let queryBias: UnsafePointer<Float>, keyBias: UnsafePointer<Float>, valueBias: UnsafePointer<Float>
        let outputBias: UnsafePointer<Float>
        let attentionNormWeight: UnsafePointer<Float>, attentionNormBias: UnsafePointer<Float>
        let intermediate: WeightMatrix, intermediateBias: UnsafePointer<Float>
        let down: WeightMatrix, downBias: UnsafePointer<Float>
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
        func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix {
            let data = try file.floats(prefix + name, shape: [rows, columns])
            return WeightMatrix(type: .f32, data: UnsafeRawPointer(data), rows: rows, columns: columns, name: name)
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
                query: try matrix(p + "attention.self.query.weight", rows: h, columns: h),
                key: try matrix(p + "attention.self.key.weight", rows: h, columns: h),
                value: try matrix(p + "attention.self.value.weight", rows: h, columns: h),
                output: try matrix(p + "attention.output.dense.weight", rows: h, columns: h),
                queryBias: try vector(p + "attention.self.query.bias", h),
                keyBias: try vector(p + "attention.self.key.bias", h),
                valueBias: try vector(p + "attention.self.value.bias", h),
                outputBias: try vector(p + "attention.output.dense.bias", h),
                attentionNormWeight: try vector(p + "attention.output.LayerNorm.weight", h),
                attentionNormBias: try vector(p + "attention.output.LayerNorm.bias", h),
                intermediate: try matrix(p + "intermediate.dense.weight", rows: i, columns: h),
                intermediateBias: try vector(p + "intermediate.dense.bias", i),
                down: try matrix(p + "output.dense.weight", rows: h, columns: i),
                downBias: try vector(p + "output.dense.bias", h),
                outputNormWeight: try vector(p + "output.LayerNorm.weight", h),
                outputNormBias: try vector(p + "output.LayerNorm.bias", h)
            )
        }
    }
}
