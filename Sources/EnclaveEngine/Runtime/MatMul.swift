// Enclave: parallel quantised matrix products over the thread pool.

import CEnclaveKernels
import Synchronization

/// How matrix-product inputs are quantised.
public enum ActivationPrecision: String, Sendable, CaseIterable {
    /// 16-bit integer blocks: logits within ~0.01 of a float reference (the default).
    case int16
    /// 8-bit integer blocks, as llama.cpp does: faster, but logits move by up to ~1 on small models.
    case int8
}

/// One product of a fused group: `output[c * ldy + r] = dot(weight row r, input row c)`.
struct LinearTarget {
    let weight: WeightMatrix
    let output: UnsafeMutablePointer<Float>
    let ldy: Int

    init(_ weight: WeightMatrix, _ output: UnsafeMutablePointer<Float>, ldy: Int? = nil) {
        self.weight = weight
        self.output = output
        self.ldy = ldy ?? weight.rows
    }
}

/// Runs matrix products of weights with a batch of input rows across the pool.
///
/// The input rows are converted once per call to every activation format the weights need
/// (integer blocks of 32 or 256, or plain floats), then the 8-row groups of all targets, end to end, are
/// split into chunks of decreasing size that the pool's threads claim, so one call with q, k and v is one
/// synchronisation point. With int16 activations, packed weights (``WeightMatrix/packedRows``) go through
/// `enc_q16_matmul_packed` and others through `enc_q16_matmul`; both give bit-identical outputs. The int8
/// precision reads the mapped rows (faulting their pages back in if the model dropped them after packing).
final class MatMul {
    let pool: ThreadPool
    /// How inputs are quantised.
    var precision: ActivationPrecision = .int16
    /// When true, weights are dequantised to floats and multiplied without quantising the inputs:
    /// slow, for checking the quantised path against a float reference.
    var exact = false
    private let maxRows: Int
    private let maxColumns: Int
    /// Scratch per activation format (index = ENC_ACT_* value), and its row stride.
    private var buffers: [UnsafeMutableRawPointer]
    private var strides: [Int]
    /// Chunk boundaries of the current product, in 8-row groups (see ``guidedChunks(groups:threads:minimum:starts:limit:)``).
    private let chunkStarts: UnsafeMutablePointer<Int>
    /// The targets of the current product.
    private let operands: UnsafeMutablePointer<Operand>
    /// Prologue chunks done in the current product.
    private let prepared = Counter()
    /// Most chunks a product can have (guided chunks of a 262,144-row output number about 40).
    private static let maxChunks = 256

    static let formatCount = 5

    /// An atomic count that chunks can reach without reference counting.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    init(pool: ThreadPool, maxRows: Int, maxColumns: Int) {
        self.pool = pool
        self.maxRows = maxRows
        self.maxColumns = maxColumns
        strides = (0..<Self.formatCount).map { Int(enc_q16_activation_row_bytes(Int32($0), Int64(maxColumns + 255))) }
        chunkStarts = .allocate(capacity: Self.maxChunks + 1)
        operands = .allocate(capacity: 4)
        buffers = strides.enumerated().map { format, stride in
            // Plain floats are read from the input directly; no scratch needed.
            .allocate(byteCount: format == Int(ENC_ACT_F32) ? 64 : stride * maxRows, alignment: 64)
        }
    }

    deinit {
        for b in buffers { b.deallocate() }
        chunkStarts.deallocate()
        operands.deallocate()
    }

    /// The activation format `weight` is multiplied with at `precision`.
    static func format(of weight: WeightMatrix, precision: ActivationPrecision) -> Int {
        let type = Int32(weight.type.rawValue)
        return Int(precision == .int16 ? enc_q16_activation_format(type) : enc_activation_format(type))
    }

    /// Multiplies every target's weight with `rows` input rows of `columns` floats (stride `columns`).
    ///
    /// `prepare(rows)` first writes those input rows (a norm, a residual add, an activation: work on whole rows).
    /// It runs in the same parallel region as the product: the region's first chunks split the rows between the
    /// threads, prepare and quantise them, and the product chunks start once all of them are done (a batch of 8
    /// decoding sequences would otherwise pay this row work on one thread, the others idle, before every product).
    func callAsFunction(
        _ input: UnsafePointer<Float>,
        rows n: Int,
        columns k: Int,
        _ targets: LinearTarget...,
        prepare: (Range<Int>) -> Void = { _ in }
    ) {
        precondition(n <= maxRows && k <= maxColumns && targets.count <= 4)
        if exact {
            prepare(0..<n)
            exactProduct(input, rows: n, columns: k, targets)
            return
        }
        // One reference-free operand per target (a chunk copying a `WeightMatrix` would retain and release its
        // name and packed storage on every thread); the inputs are quantised once into every format they need.
        var needed: UInt8 = 0
        var totalGroups = 0
        for (i, t) in targets.enumerated() {
            precondition(t.weight.columns == k, "\(t.weight.name) expects \(t.weight.columns) inputs, got \(k)")
            totalGroups += (t.weight.rows + 7) / 8
            operands[i] = Operand(
                t,
                groupEnd: totalGroups,
                input: input,
                columns: k,
                precision: precision,
                buffers: buffers,
                strides: strides
            )
            needed |= 1 << UInt8(operands[i].format)
        }
        let formats = needed & ~1

        // Prologue chunks: the rows in `prologue` parts. Then the 8-row groups of all targets, end to end, split
        // into chunks of decreasing size (a chunk may end one target and start the next).
        let prologue = min(n, pool.threadCount * (n >= 32 ? 2 : 1))
        let chunks = MatMul.guidedChunks(
            groups: totalGroups,
            threads: pool.threadCount,
            minimum: max(1, 8 / n),
            starts: chunkStarts
        )
        let operands = self.operands
        let count = targets.count
        let starts = chunkStarts
        let buffers = self.buffers
        let strides = self.strides
        unowned(unsafe) let prepared = self.prepared
        prepared.value.store(0, ordering: .relaxed)
        pool.run(chunks: prologue + chunks) { chunk in
            guard chunk >= prologue else {
                let rows = chunk * n / prologue..<(chunk + 1) * n / prologue
                prepare(rows)
                MatMul.quantize(input, rows: rows, columns: k, formats: formats, buffers: buffers, strides: strides)
                prepared.value.add(1, ordering: .releasing)
                return
            }
            while prepared.value.load(ordering: .acquiring) < prologue { enc_cpu_relax() }
            let g0 = starts[chunk - prologue]
            let g1 = starts[chunk - prologue + 1]
            var first = 0
            for i in 0..<count {
                let o = operands[i]
                defer { first = o.groupEnd }
                guard g0 < o.groupEnd && g1 > first else { continue }
                let r0 = (max(g0, first) - first) * 8
                let r1 = min(o.rows, (min(g1, o.groupEnd) - first) * 8)
                o.multiply(rows: r0..<r1, columns: k, batch: n)
            }
        }
    }

    /// Guided chunks of `groups` 8-row groups: each chunk takes 1 / (2 x threads) of what is left, and at least
    /// `minimum` groups, so the threads start on large chunks and finish on small ones (a chunk of 1/16 for
    /// everyone left a thread idle for half a chunk at the end of each product: 3-4% of a decoding step).
    /// Writes the first group of chunk i to `starts[i]` and the end to `starts[count]`; returns the count (at most
    /// `limit`: the last chunk takes what is left).
    static func guidedChunks(
        groups: Int,
        threads: Int,
        minimum: Int,
        starts: UnsafeMutablePointer<Int>,
        limit: Int = maxChunks
    ) -> Int {
        var count = 0
        var done = 0
        starts[0] = 0
        while done < groups {
            let left = groups - done
            let last = threads == 1 || count == limit - 1
            let size = last ? left : min(left, max(minimum, (left + 2 * threads - 1) / (2 * threads)))
            done += size
            count += 1
            starts[count] = done
        }
        return count
    }

    /// Quantises input rows `rows` into every format whose bit is set in `formats`.
    private static func quantize(
        _ input: UnsafePointer<Float>,
        rows: Range<Int>,
        columns k: Int,
        formats: UInt8,
        buffers: [UnsafeMutableRawPointer],
        strides: [Int]
    ) {
        guard formats != 0 else { return }
        for format in 1..<MatMul.formatCount where formats & (1 << UInt8(format)) != 0 {
            for r in rows {
                enc_q16_quantize_row(Int32(format), input + r * k, Int64(k), buffers[format] + r * strides[format])
            }
        }
    }

    private func exactProduct(_ input: UnsafePointer<Float>, rows n: Int, columns k: Int, _ targets: [LinearTarget]) {
        for t in targets {
            pool.parallelFor(t.weight.rows, chunksPerThread: 4) { range in
                let row = UnsafeMutablePointer<Float>.allocate(capacity: k)
                defer { row.deallocate() }
                for r in range {
                    t.weight.dequantizeRow(r, into: row)
                    for c in 0..<n {
                        var sum = 0.0
                        for i in 0..<k { sum += Double(row[i]) * Double(input[c * k + i]) }
                        t.output[c * t.ldy + r] = Float(sum)
                    }
                }
            }
        }
    }
}
