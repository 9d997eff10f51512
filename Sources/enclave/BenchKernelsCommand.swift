// Enclave: `enclave bench kernels`: single-thread throughput of the matrix-product kernels on the real model shapes.

import ArgumentParser
import EnclaveBench
import Foundation

/// Flags and printing around ``KernelBench``: the C kernels (scalar and AVX2) and a pure-Swift Q4_1 kernel,
/// single-threaded, on the weight shapes of SmolLM2-135M and Gemma-3-270M, hot and cold, n = 1, 64 and 512.
struct BenchKernelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Single-thread GB/s and GFLOP/s of the matrix-product kernels, scalar vs AVX2 (and Swift)."
    )

    @Flag(help: "Print JSON records instead of Markdown tables.")
    var json = false

    @Flag(help: "Only the model tensors, the Swift comparison and the repacked layout (skip the every-type and tile tables).")
    var quick = false

    @Option(help: "Repetitions per measurement; the median is reported.")
    var reps = 5

    @Option(help: "Minimum milliseconds per repetition.")
    var milliseconds = 6.0

    @Flag(help: "Time with the wall clock instead of the thread's CPU time.")
    var wallClock = false

    @Option(help: "SmolLM2 GGUF file (random blocks of the same types when missing).")
    var smollm2 = "models/SmolLM2-135M-Instruct.Q4_1.gguf"

    @Option(help: "Gemma 3 GGUF file (random blocks of the same types when missing).")
    var gemma = "models/gemma-3-270m-q4_k_m.gguf"

    func validate() throws {
        guard reps >= 1, milliseconds > 0 else { throw ValidationError("--reps must be >= 1 and --milliseconds > 0") }
    }

    func run() async throws {
        let options = KernelBench.Options(
            repetitions: reps,
            milliseconds: milliseconds,
            wallClock: wallClock,
            quick: quick,
            smollm2Path: smollm2,
            gemmaPath: gemma
        )
        let json = self.json
        let report = KernelBench(options: options).run { row in
            if !json { FileHandle.standardError.write(Data((row + "\n").utf8)) }
        }
        print(json ? try report.json() : report.markdown())
    }
}
