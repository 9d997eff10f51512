// Enclave: one target of a parallel product, as the chunks on every thread see it.

import CEnclaveKernels

extension MatMul {
    /// A product target without references: pointers and sizes only, so copying it in a chunk costs no
    /// reference counting. Valid while the `WeightMatrix` it was made from is alive (the product call).
    struct Operand {
        let type: Int32
        let precision: ActivationPrecision
        /// The activation format (an `ENC_ACT_*` value) the input rows are quantised to for this target.
        let format: Int
        /// The packed 8-row layout (int16 precision only), else nil.
        let packed: UnsafeRawPointer?
        let data: UnsafeRawPointer
        let rowBytes: Int
        let rows: Int
        /// The end of this target's groups in the product's sequence of 8-row groups.
        let groupEnd: Int
        let output: UnsafeMutablePointer<Float>
        let ldy: Int
        /// The input rows in this target's activation format, and their stride in bytes.
        let input: UnsafeRawPointer
        let inputStride: Int

        init(
            _ t: LinearTarget,
            groupEnd: Int,
            input: UnsafePointer<Float>,
            columns k: Int,
            precision: ActivationPrecision,
            buffers: [UnsafeMutableRawPointer],
            strides: [Int]
        ) {
            format = MatMul.format(of: t.weight, precision: precision)
            type = Int32(t.weight.type.rawValue)
            self.precision = precision
            packed = precision == .int16 ? t.weight.packedRows?.bytes : nil
            data = t.weight.data
            rowBytes = t.weight.rowBytes
            rows = t.weight.rows
            self.groupEnd = groupEnd
            output = t.output
            ldy = t.ldy
            if format == Int(ENC_ACT_F32) {
                self.input = UnsafeRawPointer(input)
                inputStride = k * 4
            } else {
                self.input = UnsafeRawPointer(buffers[format])
                inputStride = strides[format]
            }
        }

        /// Output rows `rows` (starting at a multiple of 8) for `batch` input rows of `columns` values.
        func multiply(rows: Range<Int>, columns k: Int, batch n: Int) {
            let r0 = Int64(rows.lowerBound)
            let r1 = Int64(rows.upperBound)
            if let packed {
                // Chunks start at multiples of 8 rows, as the packed layout requires.
                enc_q16_matmul_packed(type, packed, Int64(k), r0, r1, input, Int64(inputStride), Int64(n), output, Int64(ldy))
            } else if precision == .int16 {
                enc_q16_matmul(
                    type,
                    data,
                    Int64(rowBytes),
                    Int64(k),
                    r0,
                    r1,
                    input,
                    Int64(inputStride),
                    Int64(n),
                    output,
                    Int64(ldy)
                )
            } else {
                enc_matmul(
                    type,
                    data,
                    Int64(rowBytes),
                    Int64(k),
                    r0,
                    r1,
                    input,
                    Int64(inputStride),
                    Int64(n),
                    output,
                    Int64(ldy)
                )
            }
        }
    }
}
