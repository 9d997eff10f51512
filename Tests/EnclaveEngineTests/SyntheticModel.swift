// Enclave: tiny random GGUF models written by the tests, and a naive float64 reference forward pass.

import EnclaveEngine
import EnclaveEngineFixtures
import Foundation

/// A deterministic pseudo-random generator for test data.
struct TestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var z = state
        z = (z ^ (z >> 33)) &* 0xff51_afd7_ed55_8ccd
        return z ^ (z >> 33)
    }
    mutating func uniform(_ lo: Float, _ hi: Float) -> Float {
        lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
    }
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}

/// Shapes and types of a synthetic model.
struct SyntheticSpec {
    var architecture = "llama"
    var layers = 2
    var embedding = 256
    var feedForward = 512
    var heads = 4
    var kvHeads = 2
    var headDim = 64
    var vocabulary = 48
    var weightType: GGMLType = .q8_0
    var slidingWindow = 0
    var tiedOutput = true
    var seed: UInt64 = 1
}

enum SyntheticModel {
    /// Valid random encoded bytes for `rows x columns` of `type` (``GGMLBlockFactory``) with small scales.
    static func encode(_ type: GGMLType, rows: Int, columns: Int, rng: inout TestRandom) -> [UInt8] {
        GGMLBlockFactory.blocks(
            type,
            rows: rows,
            k: columns,
            using: &rng,
            element: { (rng: inout TestRandom) -> Float in rng.uniform(-0.1, 0.1) },
            scale: { (field: Int, rng: inout TestRandom) -> Float in
                switch (type, field) {
                case (.q8_0, _): rng.uniform(0.0005, 0.001)
                case (.q4_0, _), (.q5_0, _), (.q4_1, 0), (.q5_1, 0): rng.uniform(0.005, 0.01)
                case (.q4_1, _), (.q5_1, _): rng.uniform(-0.08, -0.04)
                case (.q4_K, _), (.q5_K, _): rng.uniform(0.0002, 0.0004)
                case (.q6_K, _): rng.uniform(0.00005, 0.0001) * (rng.byte() & 1 == 0 ? 1 : -1)
                default: fatalError("no encoder for \(type)")
                }
            }
        )
    }

    /// Writes the model to a temporary GGUF file and returns its path.
    static func write(_ s: SyntheticSpec) throws -> String {
        var rng = TestRandom(seed: s.seed)
        var w = GGUFWriter()
        let a = s.architecture
        w.add("general.architecture", .string(a))
        w.add("general.name", .string("synthetic-\(a)-\(s.weightType)"))
        w.add("\(a).block_count", .uint32(UInt32(s.layers)))
        w.add("\(a).embedding_length", .uint32(UInt32(s.embedding)))
        w.add("\(a).feed_forward_length", .uint32(UInt32(s.feedForward)))
        w.add("\(a).attention.head_count", .uint32(UInt32(s.heads)))
        w.add("\(a).attention.head_count_kv", .uint32(UInt32(s.kvHeads)))
        w.add("\(a).attention.key_length", .uint32(UInt32(s.headDim)))
        w.add("\(a).attention.value_length", .uint32(UInt32(s.headDim)))
        w.add("\(a).attention.layer_norm_rms_epsilon", .float32(1e-5))
        w.add("\(a).rope.freq_base", .float32(10000))
        w.add("\(a).context_length", .uint32(256))
        if s.slidingWindow > 0 {
            w.add("\(a).attention.sliding_window", .uint32(UInt32(s.slidingWindow)))
            w.add("\(a).attention.sliding_window_pattern", .uint32(3))
        }
        // A byte-level vocabulary: single printable characters.
        let chars = (0..<s.vocabulary).map { String(UnicodeScalar(UInt8(65 + $0 % 58))) + ($0 >= 58 ? "\($0)" : "") }
        w.add("tokenizer.ggml.model", .string("gpt2"))
        w.add("tokenizer.ggml.pre", .string("gpt2"))
        w.add("tokenizer.ggml.tokens", .array(chars.map { .string($0) }))
        w.add("tokenizer.ggml.token_type", .array(chars.map { _ in .int32(1) }))
        w.add("tokenizer.ggml.merges", .array([]))
        w.add("tokenizer.ggml.eos_token_id", .uint32(0))

        func norm(_ name: String, _ n: Int) { w.addTensor(name, shape: [n], floats: (0..<n).map { _ in rng.uniform(0.8, 1.2) }) }
        func matrix(_ name: String, rows: Int, columns: Int, type: GGMLType? = nil) {
            let t = type ?? s.weightType
            w.addTensor(name, shape: [columns, rows], type: t, data: encode(t, rows: rows, columns: columns, rng: &rng))
        }
        let q = s.heads * s.headDim
        let kv = s.kvHeads * s.headDim
        // Embeddings stay Q8_0 (as in real files) unless the type under test is a float type.
        let embeddingType: GGMLType = [.f32, .f16, .bf16].contains(s.weightType) ? s.weightType : .q8_0
        matrix("token_embd.weight", rows: s.vocabulary, columns: s.embedding, type: embeddingType)
        norm("output_norm.weight", s.embedding)
        if !s.tiedOutput { matrix("output.weight", rows: s.vocabulary, columns: s.embedding) }
        for l in 0..<s.layers {
            let p = "blk.\(l)."
            norm(p + "attn_norm.weight", s.embedding)
            matrix(p + "attn_q.weight", rows: q, columns: s.embedding)
            matrix(p + "attn_k.weight", rows: kv, columns: s.embedding)
            matrix(p + "attn_v.weight", rows: kv, columns: s.embedding)
            matrix(p + "attn_output.weight", rows: s.embedding, columns: q)
            norm(p + "ffn_norm.weight", s.embedding)
            matrix(p + "ffn_gate.weight", rows: s.feedForward, columns: s.embedding)
            matrix(p + "ffn_up.weight", rows: s.feedForward, columns: s.embedding)
            matrix(p + "ffn_down.weight", rows: s.embedding, columns: s.feedForward)
            if a == "gemma3" {
                norm(p + "attn_q_norm.weight", s.headDim)
                norm(p + "attn_k_norm.weight", s.headDim)
                norm(p + "post_attention_norm.weight", s.embedding)
                norm(p + "post_ffw_norm.weight", s.embedding)
            }
        }
        let path = TestModels.temporaryPath("synthetic.gguf")
        try w.data().write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// A naive float64 forward pass over dequantised weights: an independent reference for the engine.
struct ReferenceForward {
    let file: GGUFFile
    let c: ModelHyperparameters
    var cacheK: [[[Double]]] = []  // [layer][position][kvLen]
    var cacheV: [[[Double]]] = []

    init(file: GGUFFile, configuration: ModelHyperparameters) {
        self.file = file
        c = configuration
        cacheK = Array(repeating: [], count: c.layerCount)
        cacheV = Array(repeating: [], count: c.layerCount)
    }

    func matrix(_ name: String) -> [[Double]] {
        let t = file.tensor(named: name)!
        var row = [Float](repeating: 0, count: t.rowLength)
        return (0..<t.rowCount).map { r in
            Dequantize.row(t.type, file.data(of: t) + r * t.rowBytes, count: t.rowLength, into: &row)
            return row.map(Double.init)
        }
    }

    func vector(_ name: String) -> [Double] { matrix(name)[0] }

    func mul(_ w: [[Double]], _ x: [Double]) -> [Double] {
        w.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    func rms(_ x: [Double], _ g: [Double]) -> [Double] {
        let ms = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
        let s = 1 / (ms + Double(c.rmsEpsilon)).squareRoot()
        return zip(x, g).map { $0 * s * $1 }
    }

    func rope(_ x: [Double], pos: Int, base: Double, scale: Double) -> [Double] {
        var out = x
        let pairs = c.ropeDimensions / 2
        for i in 0..<pairs {
            let theta = (Double(pos) / scale) * pow(base, -2 * Double(i) / Double(c.ropeDimensions))
            let (a, b): (Int, Int) = c.ropeStyle == .adjacent ? (2 * i, 2 * i + 1) : (i, i + pairs)
            out[a] = x[a] * cos(theta) - x[b] * sin(theta)
            out[b] = x[a] * sin(theta) + x[b] * cos(theta)
        }
        return out
    }

    /// Feeds one token at the next position and returns the logits.
    mutating func step(_ token: Int32) -> [Double] {
        let pos = cacheK[0].count
        let gemma = c.architecture == .gemma3
        var x = matrix("token_embd.weight")[Int(token)].map { $0 * Double(c.embeddingScale) }
        let hd = c.headDim
        for l in 0..<c.layerCount {
            let p = "blk.\(l)."
            let h = rms(x, vector(p + "attn_norm.weight"))
            var q = mul(matrix(p + "attn_q.weight"), h)
            var k = mul(matrix(p + "attn_k.weight"), h)
            let v = mul(matrix(p + "attn_v.weight"), h)
            let local = c.isLocalLayer(l)
            let base = Double(local ? c.ropeBaseLocal : c.ropeBase)
            let scale = local ? 1.0 : Double(c.ropeLinearScale)
            for head in 0..<c.headCount {
                var part = Array(q[(head * hd)..<((head + 1) * hd)])
                if gemma { part = rms(part, vector(p + "attn_q_norm.weight")) }
                q.replaceSubrange((head * hd)..<((head + 1) * hd), with: rope(part, pos: pos, base: base, scale: scale))
            }
            for head in 0..<c.kvHeadCount {
                var part = Array(k[(head * hd)..<((head + 1) * hd)])
                if gemma { part = rms(part, vector(p + "attn_k_norm.weight")) }
                k.replaceSubrange((head * hd)..<((head + 1) * hd), with: rope(part, pos: pos, base: base, scale: scale))
            }
            cacheK[l].append(k)
            cacheV[l].append(v)
            var out = [Double](repeating: 0, count: c.queryLength)
            let first = local && c.slidingWindow > 0 ? max(0, pos - c.slidingWindow + 1) : 0
            for head in 0..<c.headCount {
                let g = head / (c.headCount / c.kvHeadCount)
                let qh = q[(head * hd)..<((head + 1) * hd)]
                var scores = (first...pos).map { t -> Double in
                    zip(qh, cacheK[l][t][(g * hd)..<((g + 1) * hd)]).reduce(0) { $0 + $1.0 * $1.1 } * Double(c.attentionScale)
                }
                let m = scores.max()!
                scores = scores.map { exp($0 - m) }
                let sum = scores.reduce(0, +)
                for (j, t) in (first...pos).enumerated() {
                    for d in 0..<hd { out[head * hd + d] += scores[j] / sum * cacheV[l][t][g * hd + d] }
                }
            }
            var a = mul(matrix(p + "attn_output.weight"), out)
            if gemma { a = rms(a, vector(p + "post_attention_norm.weight")) }
            x = zip(x, a).map(+)
            let h2 = rms(x, vector(p + "ffn_norm.weight"))
            let gate = mul(matrix(p + "ffn_gate.weight"), h2)
            let up = mul(matrix(p + "ffn_up.weight"), h2)
            let act = zip(gate, up).map { g, u -> Double in
                if gemma { return 0.5 * g * (1 + tanh(0.7978845608 * (g + 0.044715 * g * g * g))) * u }
                return g / (1 + exp(-g)) * u
            }
            var f = mul(matrix(p + "ffn_down.weight"), act)
            if gemma { f = rms(f, vector(p + "post_ffw_norm.weight")) }
            x = zip(x, f).map(+)
        }
        let outName = file.tensor(named: "output.weight") != nil ? "output.weight" : "token_embd.weight"
        return mul(matrix(outName), rms(x, vector("output_norm.weight")))
    }
}
