// Enclave: the pure-Swift Q4_1 kernel (the benchmark's comparison) computes the same products as the C kernels.

import CEnclaveKernels
import EnclaveEngine
import EnclaveEngineFixtures
import Foundation
import Testing

extension KernelTests {
    @Test(arguments: [32, 576, 1536])
    func swiftQ4_1KernelMatchesFloat64Reference(k: Int) {
        var rng = SplitMix64(seed: 0x5A1F + UInt64(k))
        let rows = 13
        let blocks = k / 32
        let rowBytes = GGMLType.q4_1.rowBytes(elements: k)!
        let w = KernelData.weights(.q4_1, rows: rows, k: k, rng: &rng)
        let x = KernelISA.with(KernelISA.scalar) { KernelData.activations(for: .q4_1, k: k, n: 1, floats: KernelData.floats(k, rng: &rng)) }
        var expanded = [SwiftQ4_1Kernel.ExpandedBlock](repeating: .init(even: .zero, odd: .zero, d: 0, s: 0), count: blocks)
        x.bytes.withUnsafeBytes { SwiftQ4_1Kernel.expand($0.baseAddress!, blocks: blocks, into: &expanded) }
        var y = [Float](repeating: .nan, count: rows + 1)
        w.withUnsafeBytes { wb in
            // Rows 1..<rows: an even pass count plus the odd last row, written at their own indices.
            SwiftQ4_1Kernel.matvec(wb.baseAddress!, rowBytes: rowBytes, blocks: blocks, rows: 1..<rows, x: expanded, y: &y)
        }
        let reference = w.withUnsafeBytes { KernelData.reference(.q4_1, $0.baseAddress!, rowBytes: rowBytes, k: k, rows: 0..<rows, x) }
        #expect(y[0].isNaN && y[rows].isNaN, "rows outside the range were written")
        let error = KernelData.worstError(Array(y[1..<rows]), Array(reference.y[1..<rows]), magnitude: Array(reference.magnitude[1..<rows]))
        #expect(error < 1e-5, "k=\(k): Swift Q4_1 vs Float64 relative error \(error)")
    }
}
