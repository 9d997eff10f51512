// Enclave: `enclave bench kernels-q16`: one-thread speed of the quantised matrix kernels on the model shapes.

import ArgumentParser
import EnclaveBench
import Foundation

/// Flags and printing around ``Q16KernelBench``: the int16-activation kernels (AVX2 plain and packed,
/// portable) and the int8 ones on the matrix shapes of SmolLM2-135M and Gemma-3-270M Q4_K_M, hot and cold.
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
        let bench = Q16KernelBench(seconds: seconds, coldBytes: coldMegabytes << 20)
        let json = self.json
        let report = bench.run(batchSizes: batchSizes, coldMegabytes: coldMegabytes) { line in
            if !json { print(line) }
        }
        print(json ? try Q16KernelBench.json(report) : Q16KernelBench.summary(report.results))
    }
}
