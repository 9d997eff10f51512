// Enclave bench: the cost of quantising activation rows to the int16 formats.

import CEnclaveKernels
import Dispatch

extension Q16KernelBench {
    /// Quantisation of one row of k floats to the int16 block formats, AVX2 and portable.
    public func measureQuantizers() -> [QuantizerResult] {
        var results: [QuantizerResult] = []
        for (format, name, lengths) in [
            (Int32(ENC_ACT_Q16_32), "q16x32", [576, 640, 1536, 2048]), (Int32(ENC_ACT_Q16_256), "q16x256", [1024, 1536, 2048]),
        ] {
            for k in lengths {
                let x = (0..<k).map { Float(($0 * 7919) % 1000) / 500 - 1 }
                var out = [UInt8](repeating: 0, count: Int(enc_q16_activation_row_bytes(format, Int64(k))))
                for (kernel, isa) in [(Kernel.int16AVX2, Int32(ENC_ISA_AVX2)), (Kernel.int16Scalar, Int32(ENC_ISA_SCALAR))] {
                    var times: [Double] = []
                    x.withUnsafeBufferPointer { xs in
                        out.withUnsafeMutableBytes { o in
                            for _ in 0..<51 {
                                let start = DispatchTime.now().uptimeNanoseconds
                                for _ in 0..<20 { enc_q16_quantize_row_isa(isa, format, xs.baseAddress!, Int64(k), o.baseAddress!) }
                                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 20)
                            }
                        }
                    }
                    results.append(QuantizerResult(format: name, k: k, kernel: kernel, nanoseconds: Statistics.median(times)))
                }
            }
        }
        return results
    }
}
