// Enclave: a float linear layer packed for the encoder's matrix products.

import CEnclaveKernels

/// A PyTorch `Linear` (`y = x·Wᵀ + b`, W `[outputs x inputs]`) with W copied into panels of 16 outputs
/// (`enc_sgemm_pack`), the layout of `enc_sgemm_packed`'s 6x16 register blocks. The copy is made once, at load.
final class PackedLinear: @unchecked Sendable {
    // Safety: written once in init, read-only after.
    let outputs: Int
    let inputs: Int
    let panels: Int
    let weights: UnsafeMutablePointer<Float>
    /// The bias, inside the safetensors mapping (kept alive by the model's weights).
    let bias: UnsafePointer<Float>

    init(weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, outputs: Int, inputs: Int) {
        self.outputs = outputs
        self.inputs = inputs
        self.bias = bias
        panels = (outputs + 15) / 16
        weights = .allocate(capacity: Int(enc_sgemm_packed_count(Int64(outputs), Int64(inputs))))
        enc_sgemm_pack(weight, Int64(outputs), Int64(inputs), weights)
    }

    deinit { weights.deallocate() }

    /// `y[r] = x[r]·Wᵀ + b` for rows `0..<rows` (strides: `inputs` and `outputs`), output panels `panels`.
    @inline(__always)
    func multiply(_ x: UnsafePointer<Float>, rows: Int, panels range: Range<Int>, into y: UnsafeMutablePointer<Float>) {
        enc_sgemm_packed(
            x,
            Int64(inputs),
            Int64(rows),
            weights,
            Int64(inputs),
            Int64(outputs),
            Int64(range.lowerBound),
            Int64(range.upperBound),
            bias,
            y,
            Int64(outputs)
        )
    }
}

extension ThreadPool {
    /// Runs the products `y = x·Wᵀ + b` of several layers reading the same `rows` input rows, split by output
    /// panels across the pool in one parallel region.
    func linear(_ x: UnsafePointer<Float>, rows: Int, _ targets: [(PackedLinear, UnsafeMutablePointer<Float>)]) {
        let perChunk = 2
        var starts: [Int] = [0]
        for (layer, _) in targets { starts.append(starts.last! + (layer.panels + perChunk - 1) / perChunk) }
        run(chunks: starts.last!) { chunk in
            var t = 0
            while chunk >= starts[t + 1] { t += 1 }
            let (layer, y) = targets[t]
            let first = (chunk - starts[t]) * perChunk
            layer.multiply(x, rows: rows, panels: first..<min(layer.panels, first + perChunk), into: y)
        }
    }
}
