// Enclave: every weight of a model, checked against its hyperparameters at load.

import CEnclaveKernels
import Dispatch

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
///
/// On CPUs with AVX2, every matrix the int16 kernels have a packed layout for (all the quantised types the
/// llama and gemma3 models use) is packed at load into a heap copy (``WeightMatrix/Packed``) across the
/// cores, and the mapped pages of its original rows are dropped as it goes, so resident memory stays about
/// the size of the file. Products read the packed copy; embedding lookups unpack single rows from it.
public struct ModelWeights: Sendable {
    public private(set) var tokenEmbedding: WeightMatrix
    public private(set) var layers: [LayerWeights]
    public let outputNorm: [Float]
    /// The output projection (`output.weight`, or the embedding table when tied).
    public private(set) var output: WeightMatrix
    /// Llama 3.1 per-frequency RoPE factors (`rope_freqs.weight`), if present.
    public let ropeFrequencyFactors: [Float]?

    /// Loads and validates every tensor the architecture needs, and packs the matrices (see the type's
    /// discussion) unless `packMatrices` is false or the CPU has no AVX2.
    public init(file: GGUFFile, configuration c: ModelHyperparameters, packMatrices: Bool = true) throws {
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
            layers.append(
                LayerWeights(
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
                )
            )
        }
        self.layers = layers
        if packMatrices && enc_isa_detected() >= Int32(ENC_ISA_AVX2) {
            packAll()
        }
    }

    /// Every matrix the products use: the layers' seven and the output projection.
    private var productMatrices: [WeightMatrix] {
        layers.flatMap { [$0.wq, $0.wk, $0.wv, $0.wo, $0.wGate, $0.wUp, $0.wDown] } + [output]
    }

    /// Replaces every packable product matrix with a packed one (a tied output shares the embedding's copy).
    private mutating func packAll() {
        let packed = Self.pack(productMatrices)
        func swap(_ m: WeightMatrix) -> WeightMatrix { packed[m.data].map { m.withPackedRows($0) } ?? m }
        layers = layers.map { $0.replacingMatrices(swap) }
        output = swap(output)
        tokenEmbedding = swap(tokenEmbedding)
    }

    /// Bytes of source rows per packing job: small enough that the jobs balance across the cores and the
    /// mapped pages are released as packing proceeds, large enough to amortise the dispatch.
    static let packingJobBytes = 4 << 20

    /// Packs the packable matrices among `matrices` (each distinct data pointer once) on all cores, dropping
    /// each packed range's mapped pages, and returns the copies by data pointer.
    static func pack(_ matrices: [WeightMatrix]) -> [UnsafeRawPointer: WeightMatrix.Packed] {
        var seen = Set<UnsafeRawPointer>()
        var targets: [(matrix: WeightMatrix, storage: WeightMatrix.Packed)] = []
        for m in matrices where m.packedRows == nil && seen.insert(m.data).inserted {
            if let storage = WeightMatrix.Packed(type: m.type, rows: m.rows, columns: m.columns) {
                targets.append((m, storage))
            }
        }
        var jobs: [(target: Int, rows: Range<Int>)] = []
        for (i, t) in targets.enumerated() {
            let step = max(8, packingJobBytes / max(1, t.matrix.rowBytes) / 8 * 8)
            for r0 in stride(from: 0, to: t.matrix.rows, by: step) { jobs.append((i, r0..<min(t.matrix.rows, r0 + step))) }
        }
        let work = jobs
        let all = targets
        DispatchQueue.concurrentPerform(iterations: work.count) { j in
            let job = work[j]
            let target = all[job.target]
            target.storage.fill(from: target.matrix, rows: job.rows)
            target.matrix.releaseMappedPages(rows: job.rows)
        }
        var result: [UnsafeRawPointer: WeightMatrix.Packed] = [:]
        for t in targets { result[t.matrix.data] = t.storage }
        return result
    }
}

extension LayerWeights {
    /// The same layer with `transform` applied to each of its seven matrices.
    func replacingMatrices(_ transform: (WeightMatrix) -> WeightMatrix) -> LayerWeights {
        LayerWeights(
            attentionNorm: attentionNorm,
            wq: transform(wq),
            wk: transform(wk),
            wv: transform(wv),
            wo: transform(wo),
            qBias: qBias,
            kBias: kBias,
            vBias: vBias,
            qNorm: qNorm,
            kNorm: kNorm,
            postAttentionNorm: postAttentionNorm,
            ffnNorm: ffnNorm,
            wGate: transform(wGate),
            wUp: transform(wUp),
            wDown: transform(wDown),
            postFFNNorm: postFFNNorm
        )
    }
}
