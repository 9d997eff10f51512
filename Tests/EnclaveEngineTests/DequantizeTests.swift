// Enclave: dequantisation against the measured vectors of engine-facts.md and engine-facts-gemma3.md.

import EnclaveEngine
import Foundation
import Testing

@Suite struct DequantizeTests {
    static func row(_ file: GGUFFile, _ name: String, _ index: Int = 0) throws -> [Float] {
        let t = try #require(file.tensor(named: name))
        var out = [Float](repeating: 0, count: t.rowLength)
        Dequantize.row(t.type, file.data(of: t) + index * t.rowBytes, count: t.rowLength, into: &out)
        return out
    }

    @Test func smolLM2Vectors() throws {
        let file = try GGUFFile(path: TestModels.require(TestModels.smolLM2))
        #expect(
            Array(try Self.row(file, "token_embd.weight", 0).prefix(8)) == [
                -0.10654449462890625, 0.032978057861328125, 0.048198699951171875, -0.022830963134765625,
                -0.06849288940429688, -0.04566192626953125, 0.020294189453125, -0.12176513671875,
            ]
        )
        #expect(
            Array(try Self.row(file, "token_embd.weight", 1).prefix(8)) == [
                -0.0238037109375, -0.015869140625, -0.0396728515625, 0.015869140625, -0.111083984375,
                -0.0079345703125, -0.0634765625, 0.0714111328125,
            ]
        )
        #expect(
            Array(try Self.row(file, "blk.0.attn_q.weight").prefix(8)) == [
                -0.0963134765625, 0.1573486328125, -0.0963134765625, -0.73046875, 1.1719970703125,
                -0.0963134765625, 0.030517578125, 0.6646728515625,
            ]
        )
        #expect(Array(try Self.row(file, "output_norm.weight").prefix(4)) == [1.7578125, 1.8203125, 1.78125, 1.6015625])
        #expect(Array(try Self.row(file, "blk.0.attn_norm.weight").prefix(4)) == [0.01397705078125, 0.0238037109375, -0.019775390625, -0.0302734375])
    }

    @Test func gemma3Vectors() throws {
        let file = try GGUFFile(path: TestModels.require(TestModels.gemma3))
        let cases: [(String, [Float], Double)] = [
            (
                "blk.0.attn_q.weight",
                [-0.0037841796875, 0.007568359375, -0.01513671875, -0.00567626953125, 0.0113525390625, 0.00946044921875, 0.0, -0.00946044921875],
                -0.30632782
            ),
            (
                "blk.0.attn_output.weight",
                [
                    -0.015705108642578125, 0.04966926574707031, -0.03749656677246094, 0.06056499481201172, -0.004809379577636719,
                    0.038773536682128906, -0.015705108642578125, 0.0278778076171875,
                ], 1.00646448
            ),
            (
                "blk.0.ffn_down.weight",
                [
                    0.0052117109298706055, 0.02171546220779419, -0.02518993616104126, 0.013897895812988281, 0.026927173137664795,
                    -0.015635132789611816, 0.010423421859741211, -0.0017372369766235352,
                ], 0.522422314
            ),
            (
                "token_embd.weight",
                [
                    -0.007244110107421875, 0.042860984802246094, -0.034409523010253906, -0.02112865447998047, -0.012073516845703125,
                    0.0289764404296875, 0.00482940673828125, -0.03199481964111328,
                ], -0.0424766541
            ),
        ]
        for (name, first8, sum) in cases {
            let r = try Self.row(file, name)
            for (a, b) in zip(r.prefix(8), first8) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(name): \(a) vs \(b)") }
            let total = r.reduce(0.0) { $0 + Double($1) }
            #expect(abs(total - sum) < 1e-4, "\(name) sum \(total) vs \(sum)")
        }
    }

    /// engine-facts.md §7.4: b[i] = (i*37 + 11) mod 256 with f16 overrides.
    @Test(
        arguments: [
            (GGMLType.q4_0, [(0, Float16(0.5))], [-1.5, 1.0, 3.5, -2.0, 0.5, 3.0, -2.5, 0.0], -10.5),
            (GGMLType.q5_0, [(0, Float16(0.25))], [2.25, -0.5, 0.75, -2.0, 3.25, -3.5, 1.75, -1.0], 3.75),
            (GGMLType.q5_1, [(0, Float16(0.25)), (2, Float16(-1.0))], [3.75, 5.0, 6.25, 3.5, 4.75, 2.0, -0.75, 4.5], 94.25),
            (
                GGMLType.q4_K, [(0, Float16(0.125)), (2, Float16(0.0625))], [39.4375, -3.1875, 16.1875, 35.5625, 54.9375, 12.3125, 31.6875, 51.0625],
                6805.0
            ),
            (
                GGMLType.q5_K, [(0, Float16(0.125)), (2, Float16(0.0625))],
                [101.4375, -3.1875, 78.1875, 35.5625, 116.9375, 12.3125, 93.6875, 51.0625], 14527.0
            ),
            (GGMLType.q6_K, [(208, Float16(0.03125))], [-44.71875, 53.0, 18.21875, -16.5625, -51.34375, 46.375, 11.59375, -23.1875], 144.125),
        ] as [(GGMLType, [(Int, Float16)], [Float], Double)]
    )
    func syntheticBlocks(type: GGMLType, overrides: [(Int, Float16)], first8: [Float], sum: Double) {
        var bytes = (0..<type.blockBytes).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
        for (offset, value) in overrides {
            bytes[offset] = UInt8(value.bitPattern & 0xFF)
            bytes[offset + 1] = UInt8(value.bitPattern >> 8)
        }
        var out = [Float](repeating: 0, count: type.blockSize)
        bytes.withUnsafeBytes { Dequantize.row(type, $0.baseAddress!, count: type.blockSize, into: &out) }
        #expect(Array(out.prefix(8)) == first8)
        #expect(out.reduce(0.0) { $0 + Double($1) } == sum)
    }
}
