// Enclave bench: the speed-up summary printed after `enclave bench kernels-q16`.

import Foundation

extension Q16KernelBench {
    /// Speed-ups of the AVX2 int16 kernel per shape (ratios of medians), and of the packed kernel over it.
    public static func summary(_ results: [Result]) -> String {
        var lines = ["", "AVX2 int16 (GFLOP/s) relative to: portable int16, n=1 hot | int8 enc_matmul, n=1 hot | itself at n=1, largest batch"]
        var packedLines = ["", "packed / plain AVX2 int16 (ratio of medians): n=1 hot | n=1 cold | each batch size"]
        var seen = Set<String>()
        for r in results where r.kernel == .int16AVX2 && r.n == 1 && !r.cold {
            let key = "\(r.model) \(r.matrix) \(r.type)"
            guard seen.insert(key).inserted else { continue }
            let same = results.filter { "\($0.model) \($0.matrix) \($0.type)" == key }
            func gflops(_ kernel: Kernel, _ n: Int, cold: Bool = false) -> Double? {
                same.first { $0.kernel == kernel && $0.n == n && $0.cold == cold }?.gflops
            }
            let largest = same.filter { $0.kernel == .int16AVX2 }.map(\.n).max() ?? 1
            let scalar = gflops(.int16Scalar, 1).map { r.gflops / $0 } ?? .nan
            let int8 = gflops(.int8, 1).map { r.gflops / $0 } ?? .nan
            let batched = (gflops(.int16AVX2, largest) ?? .nan) / r.gflops
            lines.append(
                "  " + key.padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: " x%6.1f | x%6.1f | x%5.2f", scalar, int8, batched)
            )
            let sizes = Array(Set(same.filter { $0.kernel == .int16Packed && $0.n > 1 }.map(\.n))).sorted()
            guard let hot = gflops(.int16Packed, 1), let cold = gflops(.int16Packed, 1, cold: true) else { continue }
            var line =
                "  " + key.padding(toLength: 30, withPad: " ", startingAt: 0)
                + String(format: " x%5.2f | x%5.2f |", hot / r.gflops, cold / (gflops(.int16AVX2, 1, cold: true) ?? .nan))
            for n in sizes {
                line += String(format: " n=%d x%5.2f", n, (gflops(.int16Packed, n) ?? .nan) / (gflops(.int16AVX2, n) ?? .nan))
            }
            packedLines.append(line)
        }
        return (lines + packedLines).joined(separator: "\n")
    }
}
