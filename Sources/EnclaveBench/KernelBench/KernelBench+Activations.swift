// Enclave bench: the activation rows `KernelBench` multiplies with.

import CEnclaveKernels
import EnclaveEngine
import EnclaveEngineFixtures

extension KernelBench {
    /// `n` random activation rows quantised to the format `type` pairs with.
    final class Activations {
        let bytes: UnsafeMutableRawPointer
        let stride: Int

        init(type: GGMLType, k: Int, n: Int) {
            let format = enc_activation_format(Int32(type.rawValue))
            stride = Int(enc_activation_row_bytes(format, Int64(k)))
            bytes = UnsafeMutableRawPointer.allocate(byteCount: stride * n, alignment: 64)
            var floats = [Float](repeating: 0, count: k)
            var rng = SplitMix64(seed: UInt64(k * 7919 + n))
            for c in 0..<n {
                for i in 0..<k { floats[i] = Float.random(in: -1...1, using: &rng) * (Int.random(in: 0..<64, using: &rng) == 0 ? 20 : 1) }
                enc_quantize_row(format, floats, Int64(k), bytes + c * stride)
            }
        }

        deinit { bytes.deallocate() }
    }
}
