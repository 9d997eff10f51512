// Enclave: `enclave bench kernels-q16`: one-thread speed of the quantised matrix kernels on the model shapes.

import ArgumentParser
import CEnclaveKernels
import EnclaveEngine
import Foundation

/// Measures the int16-activation kernels (AVX2 on the plain and on the packed layout, portable) and the int8
/// ones on the matrix shapes of SmolLM2-135M (Q4_1 layers, Q8_0 output) and Gemma-3-270M Q4_K_M
/// (Q5_0/Q8_0/Q4_K/Q6_K, Q8_0 output).
///
/// Weights are random bytes with realistic block scales. "hot" multiplies the same matrix every time;
/// "cold" rotates through copies totalling `--cold-megabytes`, so weights stream from DRAM as in
/// decoding (the two output matrices are larger than the caches, so their "hot" streams too).
/// Times are medians, with the 10th percentile alongside; the machine may be shared, so compare
/// kernels as ratios.
struct BenchKernelsQ16Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels-q16",
        abstract: "Measure the int16-activation matrix kernels (AVX2 plain and packed vs portable, int8 for reference) on one thread."
    )

    @Flag(help: "Print JSON records instead of a table.")
    var json = false

    @Option(help: "Seconds spent per measurement (at least 3 repetitions; the median is reported).")
    var seconds = 0.2

    @Option(help: "Megabytes of weight copies rotated through for cold measurements.")
    var coldMegabytes = 256

    @Option(help: "Batch sizes measured besides 1 (comma-separated).")
    var batches = "8,64,512"

    func run() async throws {
        let batchSizes = try PositiveIntegerList.parse(batches, option: "--batches")
        guard seconds > 0, coldMegabytes > 0 else { throw ValidationError("--seconds and --cold-megabytes must be positive") }
        let runner = KernelBenchRunner(seconds: seconds, coldBytes: coldMegabytes << 20)
        var results: [KernelBenchRunner.Result] = []
        if !json {
            print("CPU level: \(enc_isa_active() == Int32(ENC_ISA_AVX2) ? "AVX2+FMA+F16C" : "portable C"); one thread; median times")
            print(KernelBenchRunner.Result.header)
        }
        let stream = runner.streamReadBandwidth()
        if !json { print(String(format: "memory: sequential read of %d MB: %.1f GB/s", coldMegabytes, stream)) }
        let quantizers = runner.measureQuantizers()
        if !json { for q in quantizers { print(q.line) } }
        for shape in KernelBenchRunner.Shape.all {
            let shapeResults = runner.measure(shape, batchSizes: batchSizes)
            if !json { for r in shapeResults { print(r.line) } }
            results += shapeResults
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = KernelBenchRunner.Report(streamReadGBps: stream, quantizers: quantizers, results: results)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(KernelBenchRunner.summary(results))
        }
    }
}
