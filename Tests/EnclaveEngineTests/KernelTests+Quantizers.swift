// Enclave: activation quantisers and f16 conversion, scalar and AVX2.

import CEnclaveKernels
import EnclaveEngine
import EnclaveEngineFixtures
import Foundation
import Testing

extension KernelTests {
    /// Rows that exercise the quantisers: random, zero blocks, a negative extreme, equal magnitudes of both signs,
    /// exact .5 ties (d = 1 when the extreme is 127), tiny and huge magnitudes.
    static func quantizerRows(k: Int) -> [[Float]] {
        var rng = SplitMix64(seed: 0x0A17)
        var rows: [[Float]] = [KernelData.floats(k, rng: &rng), [Float](repeating: 0, count: k)]
        var negative = KernelData.floats(k, rng: &rng)
        negative[k / 2] = -1000
        rows.append(negative)
        var bothSigns = [Float](repeating: 0.25, count: k)
        for i in stride(from: 0, to: k, by: 32) {
            bothSigns[i + 3] = -3
            bothSigns[i + 9] = 3
        }
        rows.append(bothSigns)
        rows.append((0..<k).map { i in i % 32 == 0 ? 127 : Float(i % 127) - 63.5 })
        rows.append((0..<k).map { i in i % 256 == 5 ? -127 : Float(i % 120) - 59.5 })
        rows.append(KernelData.floats(k, rng: &rng).map { $0 * 1e-30 })
        rows.append(KernelData.floats(k, rng: &rng).map { $0 * 1e30 })
        return rows
    }

    static func quantize(_ format: Int32, _ x: [Float], level: Int32) -> [UInt8] {
        let bytes = Int(enc_activation_row_bytes(format, Int64(x.count)))
        var out = [UInt8](repeating: 0xEE, count: bytes)
        KernelISA.with(level) { out.withUnsafeMutableBytes { enc_quantize_row(format, x, Int64(x.count), $0.baseAddress!) } }
        return out
    }

    @Test(.enabled(if: KernelISA.hasAVX2), arguments: [Int32(ENC_ACT_Q8_32), Int32(ENC_ACT_Q8_256)])
    func quantizerAVX2MatchesScalarBitForBit(format: Int32) {
        for row in Self.quantizerRows(k: 1024) {
            let scalar = Self.quantize(format, row, level: KernelISA.scalar)
            let avx2 = Self.quantize(format, row, level: KernelISA.avx2)
            #expect(scalar == avx2, "format \(format), row starting \(row.prefix(4))")
        }
    }

    @Test(arguments: [KernelISA.scalar, KernelISA.avx2])
    func q8_32FollowsItsDefinition(level: Int32) {
        guard level == KernelISA.scalar || KernelISA.hasAVX2 else { return }
        for row in Self.quantizerRows(k: 512) {
            let bytes = Self.quantize(Int32(ENC_ACT_Q8_32), row, level: level)
            bytes.withUnsafeBytes { raw in
                for b in 0..<(row.count / 32) {
                    let block = raw.baseAddress! + 40 * b
                    let d = block.loadUnaligned(as: Float.self)
                    let s = block.loadUnaligned(fromByteOffset: 4, as: Float.self)
                    let values = row[(32 * b)..<(32 * b + 32)]
                    let amax = values.map(abs).max()!
                    #expect(d == amax / 127)
                    var sum = 0
                    for (i, v) in values.enumerated() {
                        let q = Int(block.load(fromByteOffset: 8 + i, as: Int8.self))
                        sum += q
                        if d == 0 { #expect(q == 0) } else { #expect(abs(Float(q) - v * (1 / d)) <= 0.5) }
                    }
                    #expect(s == d * Float(sum))
                }
            }
        }
    }

    @Test(arguments: [KernelISA.scalar, KernelISA.avx2])
    func q8_256FollowsItsDefinition(level: Int32) {
        guard level == KernelISA.scalar || KernelISA.hasAVX2 else { return }
        for row in Self.quantizerRows(k: 512) {
            let bytes = Self.quantize(Int32(ENC_ACT_Q8_256), row, level: level)
            bytes.withUnsafeBytes { raw in
                for b in 0..<(row.count / 256) {
                    let block = raw.baseAddress! + 292 * b
                    let d = block.loadUnaligned(as: Float.self)
                    let values = Array(row[(256 * b)..<(256 * b + 256)])
                    let qs = (0..<256).map { Int(block.load(fromByteOffset: 36 + $0, as: Int8.self)) }
                    let bsums = (0..<16).map { Int(block.loadUnaligned(fromByteOffset: 4 + 2 * $0, as: Int16.self)) }
                    for j in 0..<16 { #expect(bsums[j] == qs[(16 * j)..<(16 * j + 16)].reduce(0, +)) }
                    guard
                        let first = values.indices.max(by: { abs(values[$0]) < abs(values[$1]) || (abs(values[$0]) == abs(values[$1]) && $0 > $1) }),
                        values[first] != 0
                    else {
                        #expect(d == 0 && qs.allSatisfy { $0 == 0 })
                        continue
                    }
                    // The first element of largest magnitude maps to -127 and fixes the sign of d.
                    #expect(qs[first] == -127)
                    #expect(abs(d * -127 - values[first]) <= abs(values[first]) * 1e-6)
                    for (q, v) in zip(qs, values) { #expect(abs(Float(q) - v / d) <= 0.5001) }
                }
            }
        }
    }

    /// Every one of the 65,536 halves converts to the float Swift's Float16 gives (NaNs stay NaN, made quiet),
    /// and converts back to itself.
    @Test(arguments: [KernelISA.scalar, KernelISA.avx2])
    func halfConversionRoundTripsEveryValue(level: Int32) {
        guard level == KernelISA.scalar || KernelISA.hasAVX2 else { return }
        let halves = (0...UInt16.max).map { $0 }
        var floats = [Float](repeating: 0, count: halves.count)
        var back = [UInt16](repeating: 0, count: halves.count)
        KernelISA.with(level) {
            enc_f16_to_f32(halves, &floats, Int64(halves.count))
            enc_f32_to_f16(floats, &back, Int64(floats.count))
        }
        for (i, h) in halves.enumerated() {
            let expected = Float(Float16(bitPattern: h))
            if expected.isNaN {
                #expect(floats[i].isNaN && floats[i].bitPattern & 0x0040_0000 != 0, "half \(h)")
                #expect(back[i] == h | 0x0200, "NaN half \(h) -> \(back[i])")
            } else {
                #expect(floats[i].bitPattern == expected.bitPattern, "half \(h)")
                #expect(back[i] == h, "half \(h) -> \(floats[i]) -> \(back[i])")
            }
        }
    }

    @Test(arguments: [KernelISA.scalar, KernelISA.avx2])
    func floatToHalfRoundsToNearestEven(level: Int32) {
        guard level == KernelISA.scalar || KernelISA.hasAVX2 else { return }
        let cases: [(Float, UInt16)] = [
            (65504, 0x7BFF), (65519.99, 0x7BFF), (65520, 0x7C00), (1e10, 0x7C00), (-.infinity, 0xFC00), (.infinity, 0x7C00),
            (-0.0, 0x8000), (0, 0), (0x1p-14, 0x0400), (0x1p-24, 0x0001), (0x1p-25, 0), (0x1.8p-25, 0x0001),
            (0x1.8p-24, 0x0002), (0x1p-149, 0), (-0x1p-24, 0x8001), (1 + 0x1p-11, 0x3C00), (1 + 0x1.8p-10, 0x3C02),
        ]
        // Nine values (not a multiple of 8) so both the vector loop and the tail run.
        for chunk in stride(from: 0, to: cases.count, by: 9) {
            let part = Array(cases[chunk..<min(chunk + 9, cases.count)])
            var out = [UInt16](repeating: 0xFFFF, count: part.count)
            KernelISA.with(level) { enc_f32_to_f16(part.map(\.0), &out, Int64(part.count)) }
            for (i, c) in part.enumerated() { #expect(out[i] == c.1, "\(c.0) -> \(String(out[i], radix: 16))") }
        }
    }

    /// Random float bit patterns (every exponent, NaNs included): scalar and AVX2 agree bit for bit, and both
    /// agree with Swift's Float16(Float) on everything but NaN payloads.
    @Test(.enabled(if: KernelISA.hasAVX2))
    func floatToHalfAgreesOnRandomBitPatterns() {
        var rng = SplitMix64(seed: 0xF16)
        let floats = (0..<100_003).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
        var scalar = [UInt16](repeating: 0, count: floats.count)
        var avx2 = scalar
        KernelISA.with(KernelISA.scalar) { enc_f32_to_f16(floats, &scalar, Int64(floats.count)) }
        KernelISA.with(KernelISA.avx2) { enc_f32_to_f16(floats, &avx2, Int64(floats.count)) }
        #expect(scalar == avx2)
        for (f, h) in zip(floats, scalar) where !f.isNaN {
            #expect(Float16(f).bitPattern == h, "\(f)")
        }
    }
}
