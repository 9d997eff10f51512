// Enclave: the C matrix-product kernels: AVX2 against the scalar definition, and the scalar definition against a
// Float64 reference built from `Dequantize.row`.
//
// The whole suite is serialised because the instruction-set switch (enc_isa_set) is process-wide; the helper
// restores the previous level after each use.

import CEnclaveKernels
import EnclaveEngine
import EnclaveEngineFixtures
import Foundation
import Testing

@Suite(.serialized) struct KernelTests {
    static let columnCounts = [1, 2, 3, 4, 5, 7, 8, 17, 64]

    /// Row lengths per type: one block, a 576/640-like width and a 1536/2048-like width (plus odd ones for floats).
    static func rowLengths(_ type: GGMLType) -> [Int] {
        switch type.blockSize {
        case 256: [256, 768, 2048]
        case 32: [32, 640, 1536]
        default: [37, 576, 1029]
        }
    }

    /// Runs `type` at `k` over 13 rows (so 2- and 4-row tiles leave a remainder) for every column count.
    static func compare(
        _ type: GGMLType,
        k: Int,
        seed: UInt64,
        check: (_ n: Int, _ w: UnsafeRawPointer, _ rowBytes: Int, _ x: KernelActivations) throws -> Void
    ) rethrows {
        var rng = SplitMix64(seed: seed)
        let rows = 13
        let rowBytes = type.rowBytes(elements: k)!
        let w = KernelData.weights(type, rows: rows, k: k, rng: &rng)
        let floats = KernelData.floats(k * 64, rng: &rng)
        let x = KernelISA.with(KernelISA.scalar) { KernelData.activations(for: type, k: k, n: 64, floats: floats) }
        try w.withUnsafeBytes { wb in
            for n in columnCounts {
                let xn = KernelActivations(bytes: Array(x.bytes[0..<(n * x.stride)]), stride: x.stride, n: n, values: Array(x.values[0..<n]))
                try check(n, wb.baseAddress!, rowBytes, xn)
            }
        }
    }

    @Test(arguments: KernelData.allTypes)
    func scalarMatchesFloat64Reference(type: GGMLType) {
        for k in Self.rowLengths(type) {
            Self.compare(type, k: k, seed: 0x5EED_0000 + UInt64(type.rawValue) * 977 + UInt64(k)) { n, w, rowBytes, x in
                guard n == 1 || n == 5 || n == 17 else { return }
                let reference = KernelData.reference(type, w, rowBytes: rowBytes, k: k, rows: 0..<13, x)
                let scalar = KernelISA.with(KernelISA.scalar) { KernelData.matmul(type, w, rowBytes: rowBytes, k: k, rows: 0..<13, x) }
                #expect(scalar.ok)
                let error = KernelData.worstError(scalar.y, reference.y, magnitude: reference.magnitude)
                #expect(error < 1e-5, "\(type) k=\(k) n=\(n): scalar vs Float64 relative error \(error)")
            }
        }
    }

    @Test(.enabled(if: KernelISA.hasAVX2), arguments: KernelData.allTypes)
    func avx2MatchesScalar(type: GGMLType) {
        for k in Self.rowLengths(type) {
            Self.compare(type, k: k, seed: 0xA5A5_0000 + UInt64(type.rawValue) * 131 + UInt64(k)) { n, w, rowBytes, x in
                let reference = KernelData.reference(type, w, rowBytes: rowBytes, k: k, rows: 0..<13, x)
                let scalar = KernelISA.with(KernelISA.scalar) { KernelData.matmul(type, w, rowBytes: rowBytes, k: k, rows: 0..<13, x) }
                let avx2 = KernelISA.with(KernelISA.avx2) { KernelData.matmul(type, w, rowBytes: rowBytes, k: k, rows: 0..<13, x) }
                #expect(avx2.ok)
                let error = KernelData.worstError(avx2.y, scalar.y.map(Double.init), magnitude: reference.magnitude)
                #expect(error < 1e-5, "\(type) k=\(k) n=\(n): AVX2 vs scalar relative error \(error)")
            }
        }
    }

    /// Every register tile (1, 2, 4 rows x 1...4 columns) gives the scalar result, including the remainders.
    @Test(.enabled(if: KernelISA.hasAVX2), arguments: KernelData.allTypes)
    func everyTileMatchesScalar(type: GGMLType) {
        let k = Self.rowLengths(type)[1]
        Self.compare(type, k: k, seed: 0x711E + UInt64(type.rawValue)) { n, w, rowBytes, x in
            guard [1, 3, 7, 17].contains(n) else { return }
            let reference = KernelData.reference(type, w, rowBytes: rowBytes, k: k, rows: 0..<13, x)
            let scalar = KernelISA.with(KernelISA.scalar) { KernelData.matmul(type, w, rowBytes: rowBytes, k: k, rows: 0..<13, x) }
            for tileRows: Int32 in [1, 2, 4] {
                for tileCols: Int32 in 1...4 {
                    let avx2 = KernelISA.with(KernelISA.avx2) {
                        KernelData.matmul(type, w, rowBytes: rowBytes, k: k, rows: 0..<13, x, tile: (tileRows, tileCols))
                    }
                    #expect(avx2.ok)
                    let error = KernelData.worstError(avx2.y, scalar.y.map(Double.init), magnitude: reference.magnitude)
                    #expect(error < 1e-5, "\(type) tile \(tileRows)x\(tileCols) n=\(n): relative error \(error)")
                }
            }
        }
    }

    /// Very long rows (the packed activation scales of a 4-column tile no longer fit the kernel's stack buffer).
    @Test(.enabled(if: KernelISA.hasAVX2), arguments: [GGMLType.q4_1, .q8_0])
    func longRowsMatchScalar(type: GGMLType) {
        var rng = SplitMix64(seed: 0x1096)
        let k = 16384
        let rows = 3
        let n = 5
        let rowBytes = type.rowBytes(elements: k)!
        let w = KernelData.weights(type, rows: rows, k: k, rng: &rng)
        let x = KernelData.activations(for: type, k: k, n: n, floats: KernelData.floats(k * n, rng: &rng))
        w.withUnsafeBytes { wb in
            let reference = KernelData.reference(type, wb.baseAddress!, rowBytes: rowBytes, k: k, rows: 0..<rows, x)
            let scalar = KernelISA.with(KernelISA.scalar) { KernelData.matmul(type, wb.baseAddress!, rowBytes: rowBytes, k: k, rows: 0..<rows, x) }
            let avx2 = KernelISA.with(KernelISA.avx2) { KernelData.matmul(type, wb.baseAddress!, rowBytes: rowBytes, k: k, rows: 0..<rows, x) }
            #expect(avx2.ok)
            let error = KernelData.worstError(avx2.y, scalar.y.map(Double.init), magnitude: reference.magnitude)
            #expect(error < 1e-5, "\(type) k=\(k): AVX2 vs scalar relative error \(error)")
        }
    }

    /// A row range [r0, r1) writes exactly y[c * ldy + r] for r in the range and leaves the rest alone.
    @Test(arguments: [KernelISA.scalar, KernelISA.avx2])
    func rowRangeWritesOnlyItsOutputs(level: Int32) {
        guard level == KernelISA.scalar || KernelISA.hasAVX2 else { return }
        var rng = SplitMix64(seed: 42)
        let type = GGMLType.q4_1
        let k = 64
        let rows = 11
        let n = 6
        let ldy = 15
        let rowBytes = type.rowBytes(elements: k)!
        let w = KernelData.weights(type, rows: rows, k: k, rng: &rng)
        let x = KernelData.activations(for: type, k: k, n: n, floats: KernelData.floats(k * n, rng: &rng))
        let full = w.withUnsafeBytes { KernelData.reference(type, $0.baseAddress!, rowBytes: rowBytes, k: k, rows: 0..<rows, x) }
        var y = [Float](repeating: -1234, count: ldy * n)
        KernelISA.with(level) {
            w.withUnsafeBytes { wb in
                x.bytes.withUnsafeBytes { xb in
                    enc_matmul(
                        Int32(type.rawValue),
                        wb.baseAddress!,
                        Int64(rowBytes),
                        Int64(k),
                        3,
                        9,
                        xb.baseAddress!,
                        Int64(x.stride),
                        Int64(n),
                        &y,
                        Int64(ldy)
                    )
                }
            }
        }
        for c in 0..<n {
            for r in 0..<ldy {
                let value = y[c * ldy + r]
                if (3..<9).contains(r) {
                    let expected = full.y[c * rows + r]
                    #expect(abs(Double(value) - expected) <= 1e-5 * full.magnitude[c * rows + r], "r=\(r) c=\(c)")
                } else {
                    #expect(value == -1234, "r=\(r) c=\(c) was written")
                }
            }
        }
    }

    @Test func unsupportedTypesAndTilesAreRejected() {
        var y = [Float](repeating: 7, count: 4)
        let w = [UInt8](repeating: 0, count: 256)
        let x = [UInt8](repeating: 0, count: 1024)
        for level in [KernelISA.scalar, KernelISA.avx2] where level == KernelISA.scalar || KernelISA.hasAVX2 {
            KernelISA.with(level) {
                #expect(enc_activation_format(Int32(GGMLType.q2_K.rawValue)) == -1)
                #expect(enc_matmul_tiled(Int32(GGMLType.q2_K.rawValue), 0, 0, w, 84, 256, 0, 1, x, 292, 1, &y, 1) == 0)
                #expect(enc_matmul_tiled(Int32(GGMLType.q8_K.rawValue), 0, 0, w, 292, 256, 0, 1, x, 292, 1, &y, 1) == 0)
            }
        }
        #expect(y == [7, 7, 7, 7])
        if KernelISA.hasAVX2 {
            KernelISA.with(KernelISA.avx2) {
                #expect(enc_matmul_tiled(Int32(GGMLType.q4_0.rawValue), 3, 1, w, 18, 32, 0, 1, x, 40, 1, &y, 1) == 0)
                #expect(enc_matmul_tiled(Int32(GGMLType.q4_0.rawValue), 1, 5, w, 18, 32, 0, 1, x, 40, 1, &y, 1) == 0)
            }
            #expect(y == [7, 7, 7, 7])
        }
    }

    @Test func isaSwitchRestoresTheDetectedLevel() {
        let detected = enc_isa_detected()
        #expect(enc_isa_active() <= detected)
        KernelISA.with(KernelISA.scalar) { #expect(enc_isa_active() == KernelISA.scalar) }
        #expect(enc_isa_set(99) == detected)
        #expect(enc_isa_active() == detected)
    }
}
