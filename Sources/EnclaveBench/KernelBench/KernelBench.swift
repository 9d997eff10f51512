// Enclave bench: single-thread throughput of the matrix-product kernels on the real model shapes.

import CEnclaveKernels
public import EnclaveEngine

/// Measures the C kernels (scalar and AVX2) and a pure-Swift Q4_1 kernel, single-threaded, on the weight shapes of
/// SmolLM2-135M and Gemma-3-270M: matrix-vector products with the weights in cache (hot) and streamed from DRAM
/// (cold: rotating through copies totalling at least 256 MB), and batched products of 64 and 512 columns.
/// Real tensors come from the model files when present, random valid blocks otherwise. `enclave bench kernels`.
///
/// ```swift
/// let report = KernelBench(options: .init(quick: true)).run { row in print(row) }
/// print(report.rendered())
/// ```
public struct KernelBench {
    /// What to measure and how.
    public struct Options: Sendable {
        /// Repetitions per measurement; the median is reported.
        public var repetitions: Int
        /// Minimum milliseconds per repetition.
        public var milliseconds: Double
        /// Time with the wall clock instead of the thread's CPU time.
        public var wallClock: Bool
        /// Only the model tensors, the Swift comparison and the repacked layout.
        public var quick: Bool
        /// The SmolLM2 GGUF file (random blocks of the same types when it cannot be opened).
        public var smollm2Path: String
        /// The Gemma 3 GGUF file (random blocks of the same types when it cannot be opened).
        public var gemmaPath: String

        /// Creates options; the defaults are those of `enclave bench kernels`.
        public init(
            repetitions: Int = 5,
            milliseconds: Double = 6,
            wallClock: Bool = false,
            quick: Bool = false,
            smollm2Path: String = "models/SmolLM2-135M-Instruct.Q4_1.gguf",
            gemmaPath: String = "models/gemma-3-270m-q4_k_m.gguf"
        ) {
            self.repetitions = repetitions
            self.milliseconds = milliseconds
            self.wallClock = wallClock
            self.quick = quick
            self.smollm2Path = smollm2Path
            self.gemmaPath = gemmaPath
        }
    }

    /// The options of this run.
    public let options: Options

    /// Creates the benchmark.
    public init(options: Options) {
        self.options = options
    }

    /// Runs every section and returns the report; `progress` gets the first cells of each table row as soon
    /// as it is measured.
    public func run(progress: @escaping (String) -> Void = { _ in }) -> KernelBenchReport {
        let timer = KernelBenchTimer(reps: options.repetitions, seconds: options.milliseconds / 1000, wallClock: options.wallClock)
        let models = Models(smollm2: try? GGUFFile(path: options.smollm2Path), gemma: try? GGUFFile(path: options.gemmaPath))
        var report = KernelBenchReport(progress: progress)
        let milliseconds = options.milliseconds
        report.note(
            "CPU ISA detected: \(enc_isa_detected() == Int32(ENC_ISA_AVX2) ? "AVX2+FMA+F16C" : "scalar only"); "
                + "single thread; \(options.wallClock ? "wall-clock" : "thread CPU") time, median of \(options.repetitions) repetitions of >= \(milliseconds) ms; SmolLM2 \(models.smollm2 == nil ? "missing (random data)" : "loaded"), "
                + "Gemma 3 \(models.gemma == nil ? "missing (random data)" : "loaded")"
        )

        report.section("Model tensors (real data)")
        for matrix in models.modelMatrices() { report.add(Self.measureAll(matrix, timer: timer)) }

        report.section("Swift SIMD Q4_1 (bitcast style) vs C, n = 1")
        for matrix in models.swiftMatrices() { report.add(Self.measureSwift(matrix, timer: timer)) }

        report.section("Repacked layout (8 interleaved rows) vs plain rows, AVX2")
        for matrix in models.repackMatrices() { report.add(Self.measureRepacked(matrix, timer: timer)) }

        if !options.quick {
            report.section("Every type (random blocks)")
            for shape in [(1536, 576), (576, 1536), (2048, 640), (640, 2048)] {
                for type in Matrix.benchTypes where shape.1 % type.blockSize == 0 {
                    report.add(Self.measureAll(Matrix.random(type, rows: shape.0, k: shape.1, label: "random"), timer: timer))
                }
            }
            report.section("Register tiles (rows x columns), AVX2")
            for matrix in models.tileMatrices() { report.add(Self.measureTiles(matrix, timer: timer)) }
        }

        report.section("Activation quantisers and attention helpers")
        report.add(Self.measureHelpers(timer: timer))
        return report
    }
}
