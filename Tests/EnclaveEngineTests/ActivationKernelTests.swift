// Enclave: SiLU, GELU (tanh) and softmax kernels against double-precision formulas, on both instruction sets.

import CEnclaveKernels
import Foundation
import Testing

@Suite(.serialized) struct ActivationKernelTests {
    static let inputs: [Float] = (0..<1003).map { i in Float(i - 501) * 0.037 } + [-200, -90, -30, -10.5, -10, 10, 10.5, 30, 89, 0]

    static func withEachISA(_ body: (Int32) -> Void) {
        for isa in [Int32(ENC_ISA_SCALAR), enc_isa_detected()] {
            let previous = enc_isa_active()
            enc_isa_set(isa)
            body(isa)
            enc_isa_set(previous)
        }
    }

    @Test func siluMatchesTheFormula() {
        Self.withEachISA { isa in
            var gate = Self.inputs
            let up = Self.inputs.indices.map { Float($0 % 7) - 3 }
            enc_silu_mul(&gate, up, Int64(gate.count))
            for (i, z) in Self.inputs.enumerated() {
                let expected = Double(z) / (1 + exp(-Double(z))) * Double(up[i])
                #expect(abs(Double(gate[i]) - expected) <= 1e-5 * max(1, abs(expected)), "isa \(isa) silu(\(z))")
            }
        }
    }

    @Test func geluMatchesTheFormula() {
        Self.withEachISA { isa in
            var gate = Self.inputs
            let up = [Float](repeating: 1, count: gate.count)
            enc_gelu_mul(&gate, up, Int64(gate.count))
            for (i, z) in Self.inputs.enumerated() {
                let zd = Double(z)
                var expected = 0.5 * zd * (1 + tanh(0.7978845608 * (zd + 0.044715 * zd * zd * zd)))
                if z <= -10 { expected = 0 } else if z >= 10 { expected = zd }
                #expect(abs(Double(gate[i]) - expected) <= 1e-5 * max(1, abs(expected)), "isa \(isa) gelu(\(z))")
            }
        }
    }

    @Test func softmaxSumsToOneAndMatches() {
        Self.withEachISA { isa in
            for n in [1, 7, 8, 9, 100, 513] {
                var x = (0..<n).map { Float(($0 * 37) % 101) * 0.3 - 12 }
                let reference = x.map(Double.init)
                enc_softmax(&x, Int64(n))
                let m = reference.max()!
                let e = reference.map { exp($0 - m) }
                let sum = e.reduce(0, +)
                for i in 0..<n { #expect(abs(Double(x[i]) - e[i] / sum) <= 1e-6, "isa \(isa) n \(n)") }
                #expect(abs(x.reduce(0, +) - 1) < 1e-5)
            }
        }
    }

    @Test func ropeRotatesPairsBothWays() {
        Self.withEachISA { isa in
            for pairs in [1, 3, 4, 9, 32, 128] {
                let angles = (0..<pairs).map { Double($0) * 0.37 + 0.1 }
                let c = angles.map { Float(cos($0)) }
                let s = angles.map { Float(sin($0)) }
                let input = (0..<(2 * pairs + 4)).map { Float(($0 * 29) % 17) - 8 }
                var adjacent = input
                enc_rope_adjacent(&adjacent, c, s, Int64(pairs))
                var halves = input
                enc_rope_halves(&halves, c, s, Int64(pairs))
                for i in 0..<pairs {
                    let (a, b) = (Double(input[2 * i]), Double(input[2 * i + 1]))
                    #expect(abs(Double(adjacent[2 * i]) - (a * cos(angles[i]) - b * sin(angles[i]))) < 1e-5, "isa \(isa)")
                    #expect(abs(Double(adjacent[2 * i + 1]) - (a * sin(angles[i]) + b * cos(angles[i]))) < 1e-5, "isa \(isa)")
                    let (h0, h1) = (Double(input[i]), Double(input[i + pairs]))
                    #expect(abs(Double(halves[i]) - (h0 * cos(angles[i]) - h1 * sin(angles[i]))) < 1e-5, "isa \(isa)")
                    #expect(abs(Double(halves[i + pairs]) - (h0 * sin(angles[i]) + h1 * cos(angles[i]))) < 1e-5, "isa \(isa)")
                }
                // Dimensions past the rotated ones are untouched.
                #expect(Array(adjacent[(2 * pairs)...]) == Array(input[(2 * pairs)...]))
            }
        }
    }
}
