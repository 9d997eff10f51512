// Enclave: the interleaved ("repacked") layout: lossless round trip and the same products as the plain rows.

import CEnclaveKernels
import EnclaveEngine
import EnclaveEngineFixtures
import Foundation
import Testing

extension KernelTests {
    static let repackTypes: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q8_0]

    static func repack(_ type: GGMLType, _ w: UnsafeRawPointer, rowBytes: Int, rows: Int, k: Int) -> [UInt8] {
        var packed = [UInt8](repeating: 0xAB, count: Int(enc_repack_bytes(Int32(type.rawValue), Int64(rows), Int64(k))))
        let ok = packed.withUnsafeMutableBytes { enc_repack(Int32(type.rawValue), w, Int64(rowBytes), Int64(rows), Int64(k), $0.baseAddress!) }
        #expect(ok == 1)
        return packed
    }

    static func matmulRepacked(
        _ type: GGMLType,
        _ packed: [UInt8],
        k: Int,
        rows: Range<Int>,
        _ x: KernelActivations,
        ldy: Int
    ) -> (ok: Int32, y: [Float]) {
        var y = [Float](repeating: -1234, count: ldy * x.n)
        let ok = packed.withUnsafeBytes { p in
            x.bytes.withUnsafeBytes { xb in
                enc_matmul_repacked(
                    Int32(type.rawValue),
                    p.baseAddress!,
                    Int64(k),
                    Int64(rows.lowerBound),
                    Int64(rows.upperBound),
                    xb.baseAddress!,
                    Int64(x.stride),
                    Int64(x.n),
                    &y,
                    Int64(ldy)
                )
            }
        }
        return (ok, y)
    }

    @Test(arguments: repackTypes)
    func repackRoundTripsEveryRow(type: GGMLType) {
        for k in [32, 640, 1536] {
            var rng = SplitMix64(seed: 0xEE00 + UInt64(k) + UInt64(type.rawValue))
            let rows = 13
            let rowBytes = type.rowBytes(elements: k)!
            let w = KernelData.weights(type, rows: rows, k: k, rng: &rng)
            #expect(enc_repack_bytes(Int32(type.rawValue), Int64(rows), Int64(k)) == Int64(16 * rowBytes))  // two groups of 8
            let packed = w.withUnsafeBytes { Self.repack(type, $0.baseAddress!, rowBytes: rowBytes, rows: rows, k: k) }
            for r in 0..<rows {
                var row = [UInt8](repeating: 0, count: rowBytes)
                packed.withUnsafeBytes { _ = enc_unpack_row(Int32(type.rawValue), $0.baseAddress!, Int64(k), Int64(r), &row) }
                #expect(row == Array(w[(r * rowBytes)..<((r + 1) * rowBytes)]), "\(type) k=\(k) row \(r)")
            }
        }
    }

    @Test(arguments: repackTypes)
    func repackedProductsMatchPlainScalar(type: GGMLType) {
        for k in [32, 640, 1536] {
            Self.compare(type, k: k, seed: 0xBEEF + UInt64(k) + UInt64(type.rawValue)) { n, w, rowBytes, x in
                let reference = KernelData.reference(type, w, rowBytes: rowBytes, k: k, rows: 0..<13, x)
                let plain = KernelISA.with(KernelISA.scalar) { KernelData.matmul(type, w, rowBytes: rowBytes, k: k, rows: 0..<13, x) }
                let packed = Self.repack(type, w, rowBytes: rowBytes, rows: 13, k: k)
                for level in [KernelISA.scalar, KernelISA.avx2] where level == KernelISA.scalar || KernelISA.hasAVX2 {
                    let result = KernelISA.with(level) { Self.matmulRepacked(type, packed, k: k, rows: 0..<13, x, ldy: 13) }
                    #expect(result.ok == 1)
                    let error = KernelData.worstError(result.y, plain.y.map(Double.init), magnitude: reference.magnitude)
                    #expect(error < 1e-5, "\(type) k=\(k) n=\(n) isa \(level): repacked vs plain relative error \(error)")
                }
            }
        }
    }

    /// Rows [8, 13) of a repacked matrix (the padded last group) with ldy > rows: only those outputs are written;
    /// a start that is not a multiple of 8 is rejected.
    @Test(arguments: [KernelISA.scalar, KernelISA.avx2])
    func repackedRowRangeWritesOnlyItsOutputs(level: Int32) {
        guard level == KernelISA.scalar || KernelISA.hasAVX2 else { return }
        var rng = SplitMix64(seed: 0x8008)
        let type = GGMLType.q4_1
        let k = 96
        let rows = 13
        let n = 5
        let ldy = 17
        let rowBytes = type.rowBytes(elements: k)!
        let w = KernelData.weights(type, rows: rows, k: k, rng: &rng)
        let x = KernelData.activations(for: type, k: k, n: n, floats: KernelData.floats(k * n, rng: &rng))
        let full = w.withUnsafeBytes { KernelData.reference(type, $0.baseAddress!, rowBytes: rowBytes, k: k, rows: 0..<rows, x) }
        let packed = w.withUnsafeBytes { Self.repack(type, $0.baseAddress!, rowBytes: rowBytes, rows: rows, k: k) }
        let result = KernelISA.with(level) { Self.matmulRepacked(type, packed, k: k, rows: 8..<13, x, ldy: ldy) }
        #expect(result.ok == 1)
        for c in 0..<n {
            for r in 0..<ldy {
                let value = result.y[c * ldy + r]
                if (8..<13).contains(r) {
                    #expect(abs(Double(value) - full.y[c * rows + r]) <= 1e-5 * full.magnitude[c * rows + r], "r=\(r) c=\(c)")
                } else {
                    #expect(value == -1234, "r=\(r) c=\(c) was written")
                }
            }
        }
        let misaligned = KernelISA.with(level) { Self.matmulRepacked(type, packed, k: k, rows: 3..<13, x, ldy: ldy) }
        #expect(misaligned.ok == 0 && misaligned.y.allSatisfy { $0 == -1234 })
    }

    @Test func repackRejectsOtherTypes() {
        for type in [GGMLType.f32, .f16, .q5_1, .q4_K, .q5_K, .q6_K] {
            #expect(enc_repack_supported(Int32(type.rawValue)) == 0)
            #expect(enc_repack_bytes(Int32(type.rawValue), 8, 256) == 0)
        }
        #expect(enc_repack_bytes(Int32(GGMLType.q4_1.rawValue), 8, 48) == 0)
        var out = [UInt8](repeating: 0, count: 64)
        #expect(enc_repack(Int32(GGMLType.q6_K.rawValue), out, 210, 1, 256, &out) == 0)
    }

    /// Real SmolLM2 and Gemma 3 tensors give the same products repacked (AVX2) as plain (scalar).
    @Test(arguments: [
        RealTensor(model: "smollm2", name: "blk.0.ffn_down.weight", type: .q4_1, rows: nil),
        RealTensor(model: "smollm2", name: "token_embd.weight", type: .q8_0, rows: 2048),
        RealTensor(model: "gemma3", name: "blk.0.attn_q.weight", type: .q5_0, rows: nil),
        RealTensor(model: "gemma3", name: "blk.0.attn_v.weight", type: .q8_0, rows: nil),
    ])
    func realTensorsRepacked(tensor: RealTensor) throws {
        let file = try GGUFFile(path: TestModels.require(tensor.path))
        let info = try #require(file.tensor(named: tensor.name))
        #expect(info.type == tensor.type)
        let k = info.rowLength
        let rows = min(tensor.rows ?? info.rowCount, info.rowCount)
        let w = file.data(of: info)
        var rng = SplitMix64(seed: 0x7E9A)
        let x = KernelISA.with(KernelISA.scalar) { KernelData.activations(for: info.type, k: k, n: 3, floats: KernelData.floats(k * 3, rng: &rng)) }
        let plain = KernelISA.with(KernelISA.scalar) { KernelData.matmul(info.type, w, rowBytes: info.rowBytes, k: k, rows: 0..<rows, x) }
        let packed = Self.repack(info.type, w, rowBytes: info.rowBytes, rows: rows, k: k)
        let repacked = Self.matmulRepacked(info.type, packed, k: k, rows: 0..<rows, x, ldy: rows)
        #expect(repacked.ok == 1)
        // Tolerance relative to each output's magnitude sum |w_i x_i| (Float64, from the dequantised weights).
        var worst = 0.0
        var row = [Float](repeating: 0, count: k)
        for r in 0..<rows {
            row.withUnsafeMutableBufferPointer { Dequantize.row(info.type, w + r * info.rowBytes, count: k, into: $0.baseAddress!) }
            for c in 0..<x.n {
                var magnitude = 0.0
                for j in 0..<k { magnitude += abs(Double(row[j]) * x.values[c][j]) }
                worst = max(worst, abs(Double(repacked.y[c * rows + r]) - Double(plain.y[c * rows + r])) / (magnitude + 1e-30))
            }
        }
        #expect(worst < 1e-5, "\(tensor): repacked vs plain relative error \(worst)")
    }
}
