// Enclave: the packed-layout int16 kernels against the plain-layout ones (bit for bit) and the layout round trip.

import CEnclaveKernels
import EnclaveEngine
import Foundation
import Testing

/// A fixture's rows copied into the packed layout (`enc_q16_pack`).
struct PackedQ16Fixture {
    let plain: KernelQ16Fixture
    let bytes: [UInt8]

    init(_ plain: KernelQ16Fixture) {
        self.plain = plain
        let t = Int32(plain.type.rawValue)
        var bytes = [UInt8](repeating: 0xA5, count: Int(enc_q16_packed_bytes(t, Int64(plain.rows), Int64(plain.k))))
        let ok = bytes.withUnsafeMutableBytes {
            enc_q16_pack(t, plain.data, Int64(plain.rowBytes), Int64(plain.rows), Int64(plain.k), 0, Int64(plain.rows), $0.baseAddress!)
        }
        precondition(ok == 1 && !bytes.isEmpty, "\(plain.type) cannot be packed")
        self.bytes = bytes
    }

    /// Rows `range` times `count` activation columns from `column` into y (column c at y + c * ldy); returns the
    /// kernel's status.
    @discardableResult
    func multiply(
        _ x: KernelQ16Fixture.Inputs,
        column: Int,
        count: Int,
        rows range: Range<Int>,
        isa: Int32,
        into y: UnsafeMutablePointer<Float>,
        ldy: Int
    ) -> Int32 {
        let (q, stride) = plain.quantized(x, isa: Int32(ENC_ISA_SCALAR))
        return q.withUnsafeBytes { qp in
            bytes.withUnsafeBytes { w in
                enc_q16_matmul_packed_isa(
                    isa,
                    Int32(plain.type.rawValue),
                    w.baseAddress!,
                    Int64(plain.k),
                    Int64(range.lowerBound),
                    Int64(range.upperBound),
                    qp.baseAddress! + column * stride,
                    Int64(stride),
                    Int64(count),
                    y,
                    Int64(ldy)
                )
            }
        }
    }

    /// All rows times `columns` activation columns from `firstColumn`: y[c * rows + r].
    func product(_ x: KernelQ16Fixture.Inputs, columns: Int, firstColumn: Int = 0, isa: Int32) -> [Float] {
        var y = [Float](repeating: .nan, count: columns * plain.rows)
        _ = y.withUnsafeMutableBufferPointer {
            multiply(x, column: firstColumn, count: columns, rows: 0..<plain.rows, isa: isa, into: $0.baseAddress!, ldy: plain.rows)
        }
        return y
    }
}

/// Whether two float arrays hold the same bit patterns.
func bitIdentical(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

@Suite struct KernelQ16PackedTests {
    static let types: [GGMLType] = [.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]
    /// Covers the column tiles (4 for 32-element blocks, 8 for K-quants) and their remainders.
    static let batchSizes = [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 64]
    static let avx2 = Int32(ENC_ISA_AVX2)

    static func lengths(_ type: GGMLType) -> [Int] {
        type.blockSize == 256 ? [256, 1536, 2048] : [32, 576, 640, 1536]
    }

    @Test(arguments: types)
    func packedIsBitIdenticalToPlain(type: GGMLType) {
        for k in Self.lengths(type) {
            // 75 rows: 10 groups, the last one partial.
            for rows in [19, 40, 75] {
                let w = KernelQ16Fixture.weights(type, rows: rows, k: k, seed: UInt64(k * rows) &+ UInt64(type.rawValue))
                let p = PackedQ16Fixture(w)
                let x = KernelQ16Fixture.inputs(k: k, count: 64, seed: UInt64(k) &+ 11)
                for n in Self.batchSizes {
                    let plain = w.product(x, columns: n, isa: Self.avx2)
                    let packed = p.product(x, columns: n, isa: Self.avx2)
                    #expect(bitIdentical(packed, plain), "\(type) \(rows)x\(k) n=\(n): packed differs from plain")
                }
            }
        }
    }

    /// Row ranges split at multiples of 8 (one ending inside a group) and columns taken from inside a batch give
    /// the same bits as the whole product, and nothing outside the range is written.
    @Test(arguments: types)
    func rowRangesAndColumnOffsets(type: GGMLType) {
        let k = type.blockSize == 256 ? 1536 : 576
        let w = KernelQ16Fixture.weights(type, rows: 43, k: k, seed: 77 &+ UInt64(type.rawValue))
        let p = PackedQ16Fixture(w)
        let x = KernelQ16Fixture.inputs(k: k, count: 64, seed: 6)
        let whole = w.product(x, columns: 64, isa: Self.avx2)
        var split = [Float](repeating: .nan, count: 64 * w.rows)
        split.withUnsafeMutableBufferPointer { y in
            for range in [0..<8, 8..<24, 24..<37, 40..<43] {
                let status = p.multiply(x, column: 0, count: 64, rows: range, isa: Self.avx2, into: y.baseAddress!, ldy: w.rows)
                #expect(status == 1)
            }
        }
        for c in 0..<64 {
            for r in 0..<w.rows {
                let v = split[c * w.rows + r]
                if (37..<40).contains(r) {
                    #expect(v.isNaN, "\(type): row \(r) outside the ranges was written")
                } else {
                    #expect(v.bitPattern == whole[c * w.rows + r].bitPattern, "\(type): row \(r) column \(c)")
                }
            }
        }
        let tail = p.product(x, columns: 9, firstColumn: 55, isa: Self.avx2)
        #expect(bitIdentical(tail, whole[(55 * w.rows)...]), "\(type): columns 55..63 as their own batch")
        for c in [0, 31, 63] {
            let alone = p.product(x, columns: 1, firstColumn: c, isa: Self.avx2)
            #expect(bitIdentical(alone, whole[(c * w.rows)..<((c + 1) * w.rows)]), "\(type): column \(c) alone")
        }
    }

    /// Every row unpacks to its original bytes, and packing in pieces or with the portable or AVX2 packers gives the
    /// same bytes as packing at once.
    @Test(arguments: types)
    func layoutRoundTrips(type: GGMLType) {
        let k = type.blockSize == 256 ? 512 : 96
        let w = KernelQ16Fixture.weights(type, rows: 21, k: k, seed: 5 &+ UInt64(type.rawValue))
        let p = PackedQ16Fixture(w)
        let t = Int32(type.rawValue)
        var row = [UInt8](repeating: 0, count: w.rowBytes)
        for r in 0..<w.rows {
            let ok = p.bytes.withUnsafeBytes { b in
                row.withUnsafeMutableBytes { enc_q16_packed_unpack_row(t, b.baseAddress!, Int64(k), Int64(r), $0.baseAddress!) }
            }
            #expect(ok == 1)
            #expect(row == Array(UnsafeRawBufferPointer(start: w.data + r * w.rowBytes, count: w.rowBytes)), "\(type) row \(r)")
        }
        var pieces = [UInt8](repeating: 0x5A, count: p.bytes.count)
        pieces.withUnsafeMutableBytes { out in
            for (r0, r1) in [(16, 21), (0, 8), (8, 16)] {
                #expect(enc_q16_pack(t, w.data, Int64(w.rowBytes), Int64(w.rows), Int64(k), Int64(r0), Int64(r1), out.baseAddress!) == 1)
            }
        }
        #expect(pieces == p.bytes, "\(type): packing in pieces")
        for isa in [Int32(ENC_ISA_SCALAR), Int32(ENC_ISA_AVX2)] {
            var other = [UInt8](repeating: 0x3C, count: p.bytes.count)
            let ok = other.withUnsafeMutableBytes {
                enc_q16_pack_isa(isa, t, w.data, Int64(w.rowBytes), Int64(w.rows), Int64(k), 0, Int64(w.rows), $0.baseAddress!)
            }
            #expect(ok == 1 && other == p.bytes, "\(type): packing at level \(isa) writes other bytes")
        }
    }

    /// Without AVX2 the packed product unpacks rows and runs the portable kernel: the same bits as the portable
    /// kernel on the plain rows.
    @Test(arguments: types)
    func portablePathMatchesPortableKernel(type: GGMLType) {
        let k = type.blockSize == 256 ? 512 : 640
        let w = KernelQ16Fixture.weights(type, rows: 13, k: k, seed: 21 &+ UInt64(type.rawValue))
        let p = PackedQ16Fixture(w)
        let x = KernelQ16Fixture.inputs(k: k, count: 5, seed: 22)
        let scalar = Int32(ENC_ISA_SCALAR)
        #expect(bitIdentical(p.product(x, columns: 5, isa: scalar), w.product(x, columns: 5, isa: scalar)), "\(type)")
    }

    @Test func rejectsUnsupportedArguments() {
        #expect(enc_q16_packed_supported(Int32(GGMLType.f32.rawValue)) == 0)
        #expect(enc_q16_packed_bytes(Int32(GGMLType.f16.rawValue), 8, 64) == 0)
        #expect(enc_q16_packed_bytes(Int32(GGMLType.q4_1.rawValue), 8, 48) == 0, "k is not a whole number of blocks")
        #expect(enc_q16_packed_bytes(Int32(GGMLType.q4_K.rawValue), 8, 32) == 0, "k is not a whole number of super-blocks")
        #expect(enc_q16_packed_bytes(Int32(GGMLType.q4_1.rawValue), 0, 64) == 0)
        #expect(enc_q16_packed_bytes(Int32(GGMLType.q4_1.rawValue), 9, 64) == 2 * 2 * 160, "rows round up to groups of 8")

        let w = KernelQ16Fixture.weights(.q4_1, rows: 16, k: 64, seed: 1)
        let p = PackedQ16Fixture(w)
        let t = Int32(GGMLType.q4_1.rawValue)
        var out = [UInt8](repeating: 0, count: p.bytes.count)
        out.withUnsafeMutableBytes { o in
            #expect(enc_q16_pack(t, w.data, Int64(w.rowBytes), 16, 64, 4, 16, o.baseAddress!) == 0, "r0 not a multiple of 8")
            #expect(enc_q16_pack(t, w.data, Int64(w.rowBytes), 16, 64, 0, 17, o.baseAddress!) == 0, "r1 past the rows")
            #expect(enc_q16_pack(t, w.data, 8, 16, 64, 0, 16, o.baseAddress!) == 0, "row_bytes too small")
            #expect(enc_q16_pack(Int32(GGMLType.f32.rawValue), w.data, 256, 16, 64, 0, 16, o.baseAddress!) == 0)
        }
        #expect(out.allSatisfy { $0 == 0 }, "a rejected pack wrote")
        let x = KernelQ16Fixture.inputs(k: 64, count: 2, seed: 2)
        var y = [Float](repeating: .nan, count: 2 * 16)
        y.withUnsafeMutableBufferPointer { out in
            #expect(p.multiply(x, column: 0, count: 2, rows: 4..<16, isa: Self.avx2, into: out.baseAddress!, ldy: 16) == 0)
        }
        #expect(y.allSatisfy { $0.isNaN }, "a rejected product wrote")
    }

    /// The tensors of both models: packed against plain bit for bit, and against the Float64 reference.
    @Test(arguments: [
        (TestModels.smolLM2, "token_embd.weight"), (TestModels.smolLM2, "blk.0.attn_k.weight"),
        (TestModels.smolLM2, "blk.3.ffn_gate.weight"), (TestModels.smolLM2, "blk.29.ffn_down.weight"),
        (TestModels.gemma3, "blk.0.attn_q.weight"), (TestModels.gemma3, "blk.0.attn_v.weight"),
        (TestModels.gemma3, "blk.0.attn_output.weight"), (TestModels.gemma3, "blk.0.ffn_down.weight"),
        (TestModels.gemma3, "blk.2.ffn_down.weight"), (TestModels.gemma3, "blk.5.ffn_up.weight"),
    ])
    func realTensors(path: String, name: String) throws {
        let file = try GGUFFile(path: TestModels.require(path))
        let info = try #require(file.tensor(named: name))
        let rows = min(info.rowCount, 300)
        let w = KernelQ16Fixture(type: info.type, rows: rows, k: info.rowLength, data: file.data(of: info), rowBytes: info.rowBytes)
        let p = PackedQ16Fixture(w)
        let x = KernelQ16Fixture.inputs(k: info.rowLength, count: 13, seed: 31)
        let reference = w.reference(x, columns: 13)
        for n in [1, 8, 13] {
            let plain = w.product(x, columns: n, isa: Self.avx2)
            let packed = p.product(x, columns: n, isa: Self.avx2)
            #expect(bitIdentical(packed, plain), "\(name) \(info.type) n=\(n)")
            for c in 0..<n {
                let range = c * rows..<(c + 1) * rows
                #expect(KernelQ16Fixture.relativeError(Array(packed[range]), Array(reference[range])) <= 1e-5, "\(name) column \(c)")
            }
        }
    }
}
