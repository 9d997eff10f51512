// Enclave: the shared ggml block factory makes valid, reproducible weights of every type.

import CEnclaveKernels
import EnclaveEngine
import EnclaveEngineFixtures
import Foundation
import Testing

@Suite struct GGMLBlockFactoryTests {
    @Test func theQ6KScaleOffsetIsTheSameConstantInSwiftAndC() {
        #expect(GGMLType.q6_KScaleOffset == Int(ENC_Q6_K_D_OFFSET))
        #expect(GGMLType.q6_KScaleOffset == GGMLType.q6_K.blockBytes - 2)
    }

    @Test(arguments: [GGMLType.f32, .f16, .bf16] + GGMLBlockFactory.blockTypes)
    func blocksAreFiniteReproducibleAndCarryTheRequestedScales(type: GGMLType) {
        let rows = 3
        let k = 512
        var a = SplitMix64(seed: 11)
        var b = SplitMix64(seed: 11)
        let scale: (Int, inout SplitMix64) -> Float = { field, _ in field == 0 ? 0.25 : -0.5 }
        let bytes = GGMLBlockFactory.blocks(type, rows: rows, k: k, using: &a, scale: scale)
        #expect(bytes == GGMLBlockFactory.blocks(type, rows: rows, k: k, using: &b, scale: scale))
        #expect(bytes.count == rows * type.rowBytes(elements: k)!)
        for block in 0..<(rows * k / type.blockSize) {
            for (field, offset) in GGMLBlockFactory.scaleFieldOffsets(type).enumerated() {
                let at = block * type.blockBytes + offset
                let bits = UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
                #expect(Float(Float16(bitPattern: bits)) == (field == 0 ? 0.25 : -0.5))
            }
        }
        var values = [Float](repeating: .nan, count: k)
        bytes.withUnsafeBytes { raw in
            for r in 0..<rows {
                Dequantize.row(type, raw.baseAddress! + r * type.rowBytes(elements: k)!, count: k, into: &values)
                let finite = values.allSatisfy { $0.isFinite }
                #expect(finite, "row \(r)")
            }
        }
    }
}
