// Enclave: `enclave bench kernels`: single-thread throughput of the matrix-product kernels on the real model shapes.

import ArgumentParser
import CEnclaveKernels
import EnclaveEngine
import Foundation

/// Measures the C kernels (scalar and AVX2) and a pure-Swift Q4_1 kernel, single-threaded, on the weight shapes of
/// SmolLM2-135M and Gemma-3-270M: matrix-vector products with the weights in cache (hot) and streamed from DRAM
/// (cold: rotating through copies totalling at least 256 MB), and batched products of 64 and 512 columns.
/// Real tensors come from the model files when present, random valid blocks otherwise.
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
        let timer = Timer(reps: reps, seconds: milliseconds / 1000, wallClock: wallClock)
        let models = Models(smollm2: try? GGUFFile(path: smollm2), gemma: try? GGUFFile(path: gemma))
        var report = Report(json: json)
        report.note("CPU ISA detected: \(enc_isa_detected() == Int32(ENC_ISA_AVX2) ? "AVX2+FMA+F16C" : "scalar only"); "
            + "single thread; \(wallClock ? "wall-clock" : "thread CPU") time, median of \(reps) repetitions of >= \(milliseconds) ms; SmolLM2 \(models.smollm2 == nil ? "missing (random data)" : "loaded"), "
            + "Gemma 3 \(models.gemma == nil ? "missing (random data)" : "loaded")")

        report.section("Model tensors (real data)")
        for matrix in models.modelMatrices() { report.add(Self.measureAll(matrix, timer: timer)) }

        report.section("Swift SIMD Q4_1 (bitcast style) vs C, n = 1")
        for matrix in models.swiftMatrices() { report.add(Self.measureSwift(matrix, timer: timer)) }

        report.section("Repacked layout (8 interleaved rows) vs plain rows, AVX2")
        for matrix in models.repackMatrices() { report.add(Self.measureRepacked(matrix, timer: timer)) }

        if !quick {
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
        report.print()
    }
}

// MARK: - Measurements

extension BenchKernelsCommand {
    static let hotBytes = 16 << 20
    static let coldBytes = 256 << 20
    static let batchRowCap = 16384

    static func gflops(_ m: Matrix, rows: Int, n: Int, _ seconds: Double) -> Double { 2 * Double(m.k * rows * n) / seconds / 1e9 }
    static func gbps(_ m: Matrix, rows: Int, _ seconds: Double) -> Double { Double(m.rowBytes * rows) / seconds / 1e9 }

    /// Seconds per call and rows used for `n` columns with the weights hot (at most 16 MB of rows) on `isa`.
    static func hot(_ m: Matrix, x: Activations, n: Int, isa: Int32, tile: (Int32, Int32) = (0, 0), timer: Timer) -> (seconds: Double, rows: Int) {
        enc_isa_set(isa)
        defer { enc_isa_set(enc_isa_detected()) }
        let cap = n == 1 ? max(1, min(m.rows, hotBytes / m.rowBytes)) : min(m.rows, batchRowCap)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: cap * n)
        defer { y.deallocate() }
        let rows = timer.rowsFor(available: cap) { m.multiply(m.data, rows: $0, x: x, n: n, y: y, tile: tile) }
        return (timer.perCall { _ in m.multiply(m.data, rows: rows, x: x, n: n, y: y, tile: tile) }, rows)
    }

    static func measureAll(_ m: Matrix, timer: Timer) -> Report.Table {
        let scalar = Int32(ENC_ISA_SCALAR), avx2 = enc_isa_detected()
        let x = Activations(type: m.type, k: m.k, n: 512)
        var tiles: [String] = []
        for n in [1, 512] {
            var r: Int32 = 0, c: Int32 = 0
            enc_isa_set(avx2)
            enc_matmul_default_tile(Int32(m.type.rawValue), Int64(n), &r, &c)
            tiles.append("\(r)x\(c)")
        }
        var table = Report.Table(header: ["tensor", "type", "rows x k", "MB", "tiles n=1, n>=4", "n=1 hot scalar GF/s", "AVX2 GF/s", "x", "AVX2 GB/s",
                                          "n=1 cold AVX2 GB/s", "n=64 scalar GF/s", "AVX2 GF/s", "x", "n=512 scalar GF/s", "AVX2 GF/s", "x"])
        var cells = [m.label, m.type.name, m.shape, String(format: "%.2f", Double(m.bytes) / 1e6), tiles.joined(separator: ", ")]
        for n in [1, 64, 512] {
            let s = hot(m, x: x, n: n, isa: scalar, timer: timer)
            let a = hot(m, x: x, n: n, isa: avx2, timer: timer)
            let sg = gflops(m, rows: s.rows, n: n, s.seconds), ag = gflops(m, rows: a.rows, n: n, a.seconds)
            table.records.append(Report.Record(m, n: n, cache: "hot", isa: "scalar", rows: s.rows, seconds: s.seconds))
            table.records.append(Report.Record(m, n: n, cache: "hot", isa: "avx2", rows: a.rows, seconds: a.seconds))
            cells += [Report.f(sg), Report.f(ag), Report.f(ag / sg)]
            if n == 1 {
                cells.append(Report.f(gbps(m, rows: a.rows, a.seconds)))
                enc_isa_set(avx2)
                let y = UnsafeMutablePointer<Float>.allocate(capacity: m.rows)
                defer { y.deallocate() }
                let t = timer.cold(m) { m.multiply($0, rows: m.rows, x: x, n: 1, y: y) }
                table.records.append(Report.Record(m, n: 1, cache: "cold", isa: "avx2", rows: m.rows, seconds: t))
                cells.append(Report.f(gbps(m, rows: m.rows, t)))
            }
        }
        table.rows.append(cells)
        return table
    }

    static func measureSwift(_ m: Matrix, timer: Timer) -> Report.Table {
        let x = Activations(type: m.type, k: m.k, n: 1)
        let blocks = m.k / 32
        let expanded = UnsafeMutablePointer<SwiftQ4_1Kernel.ExpandedBlock>.allocate(capacity: blocks)
        defer { expanded.deallocate() }
        SwiftQ4_1Kernel.expand(x.bytes, blocks: blocks, into: expanded)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: m.rows)
        defer { y.deallocate() }
        let hotRows = max(2, min(m.rows, hotBytes / m.rowBytes))
        let swiftHot = timer.perCall { _ in SwiftQ4_1Kernel.matvec(m.data, rowBytes: m.rowBytes, blocks: blocks, rows: 0..<hotRows, x: expanded, y: y) }
        let swiftCold = timer.cold(m) { SwiftQ4_1Kernel.matvec($0, rowBytes: m.rowBytes, blocks: blocks, rows: 0..<m.rows, x: expanded, y: y) }
        let scalar = hot(m, x: x, n: 1, isa: Int32(ENC_ISA_SCALAR), timer: timer)
        let avx2 = hot(m, x: x, n: 1, isa: enc_isa_detected(), timer: timer)
        enc_isa_set(enc_isa_detected())
        let avx2Cold = timer.cold(m) { m.multiply($0, rows: m.rows, x: x, n: 1, y: y) }
        var table = Report.Table(header: ["tensor", "rows x k", "Swift hot GF/s", "Swift cold GB/s", "C scalar hot GF/s",
                                          "C AVX2 hot GF/s", "C AVX2 cold GB/s", "AVX2 / Swift hot", "AVX2 / Swift cold"])
        let swiftGF = gflops(m, rows: hotRows, n: 1, swiftHot), avx2GF = gflops(m, rows: avx2.rows, n: 1, avx2.seconds)
        let swiftGB = gbps(m, rows: m.rows, swiftCold), avx2GB = gbps(m, rows: m.rows, avx2Cold)
        table.rows.append([m.label, m.shape, Report.f(swiftGF), Report.f(swiftGB), Report.f(gflops(m, rows: scalar.rows, n: 1, scalar.seconds)),
                           Report.f(avx2GF), Report.f(avx2GB), Report.f(avx2GF / swiftGF), Report.f(avx2GB / swiftGB)])
        table.records += [
            Report.Record(m, n: 1, cache: "hot", isa: "swift", rows: hotRows, seconds: swiftHot),
            Report.Record(m, n: 1, cache: "cold", isa: "swift", rows: m.rows, seconds: swiftCold),
            Report.Record(m, n: 1, cache: "hot", isa: "scalar", rows: scalar.rows, seconds: scalar.seconds),
            Report.Record(m, n: 1, cache: "hot", isa: "avx2", rows: avx2.rows, seconds: avx2.seconds),
            Report.Record(m, n: 1, cache: "cold", isa: "avx2", rows: m.rows, seconds: avx2Cold),
        ]
        return table
    }

    static func measureRepacked(_ m: Matrix, timer: Timer) -> Report.Table {
        let avx2 = enc_isa_detected()
        enc_isa_set(avx2)
        let type = Int32(m.type.rawValue)
        let packedBytes = Int(enc_repack_bytes(type, Int64(m.rows), Int64(m.k)))
        let packed = UnsafeMutableRawPointer.allocate(byteCount: packedBytes, alignment: 64)
        defer { packed.deallocate() }
        _ = enc_repack(type, m.data, Int64(m.rowBytes), Int64(m.rows), Int64(m.k), packed)
        let repacked = Matrix(label: m.label, type: m.type, rows: m.rows, k: m.k, data: UnsafeRawPointer(packed), owner: m.owner)
        let x = Activations(type: m.type, k: m.k, n: 512)
        var table = Report.Table(header: ["tensor", "type", "rows x k", "n=1 hot plain GF/s", "repacked GF/s", "x", "n=1 cold plain GB/s",
                                          "repacked GB/s", "x", "n=64 plain GF/s", "repacked GF/s", "x", "n=512 plain GF/s", "repacked GF/s", "x"])
        var cells = [m.label, m.type.name, m.shape]
        let y = UnsafeMutablePointer<Float>.allocate(capacity: max(m.rows, batchRowCap * 512))
        defer { y.deallocate() }
        func packedCall(_ w: UnsafeRawPointer, rows: Int, n: Int) {
            _ = enc_matmul_repacked(type, w, Int64(m.k), 0, Int64(rows), x.bytes, Int64(x.stride), Int64(n), y, Int64(rows))
        }
        for n in [1, 64, 512] {
            let cap = n == 1 ? max(8, min(m.rows, hotBytes / m.rowBytes) / 8 * 8) : min(m.rows, batchRowCap)
            let plain = hot(m, x: x, n: n, isa: avx2, timer: timer)
            enc_isa_set(avx2)
            let rows = (timer.rowsFor(available: cap) { packedCall(packed, rows: $0, n: n) } + 7) / 8 * 8
            let t = timer.perCall { _ in packedCall(packed, rows: min(rows, m.rows), n: n) }
            let used = min(rows, m.rows)
            let pg = gflops(m, rows: plain.rows, n: n, plain.seconds), rg = gflops(m, rows: used, n: n, t)
            cells += [Report.f(pg), Report.f(rg), Report.f(rg / pg)]
            table.records.append(Report.Record(m, n: n, cache: "hot", isa: "avx2", rows: plain.rows, seconds: plain.seconds))
            table.records.append(Report.Record(repacked, n: n, cache: "hot", isa: "avx2-repacked", rows: used, seconds: t))
            if n == 1 {
                let plainCold = timer.cold(m) { m.multiply($0, rows: m.rows, x: x, n: 1, y: y) }
                let packedCold = timer.cold(repacked) { packedCall($0, rows: m.rows, n: 1) }
                let pb = gbps(m, rows: m.rows, plainCold), rb = gbps(m, rows: m.rows, packedCold)
                cells += [Report.f(pb), Report.f(rb), Report.f(rb / pb)]
                table.records.append(Report.Record(m, n: 1, cache: "cold", isa: "avx2", rows: m.rows, seconds: plainCold))
                table.records.append(Report.Record(repacked, n: 1, cache: "cold", isa: "avx2-repacked", rows: m.rows, seconds: packedCold))
            }
        }
        table.rows.append(cells)
        return table
    }

    static func measureTiles(_ m: Matrix, timer: Timer) -> Report.Table {
        let avx2 = enc_isa_detected()
        let x = Activations(type: m.type, k: m.k, n: 512)
        var table = Report.Table(header: ["tensor", "type", "rows x k", "tile", "n=1 hot GF/s", "n=1 cold GB/s", "n=64 GF/s", "n=512 GF/s"])
        var defaults: [Int: (Int32, Int32)] = [:]
        for n in [1, 64, 512] {
            var r: Int32 = 0, c: Int32 = 0
            enc_isa_set(avx2)
            enc_matmul_default_tile(Int32(m.type.rawValue), Int64(n), &r, &c)
            defaults[n] = (r, c)
        }
        for tileRows: Int32 in [1, 2, 4] {
            for tileCols: Int32 in 1...4 {
                let tile = (tileRows, tileCols)
                var cells = [m.label, m.type.name, m.shape, "\(tileRows)x\(tileCols)"]
                if tileCols == 1 {
                    let h = hot(m, x: x, n: 1, isa: avx2, tile: tile, timer: timer)
                    enc_isa_set(avx2)
                    let y = UnsafeMutablePointer<Float>.allocate(capacity: m.rows)
                    defer { y.deallocate() }
                    let t = timer.cold(m) { m.multiply($0, rows: m.rows, x: x, n: 1, y: y, tile: tile) }
                    let mark = defaults[1]! == tile ? " *" : ""
                    cells += [Report.f(gflops(m, rows: h.rows, n: 1, h.seconds)) + mark, Report.f(gbps(m, rows: m.rows, t)) + mark]
                    table.records.append(Report.Record(m, n: 1, cache: "hot", isa: "avx2", rows: h.rows, seconds: h.seconds, tile: tile))
                    table.records.append(Report.Record(m, n: 1, cache: "cold", isa: "avx2", rows: m.rows, seconds: t, tile: tile))
                } else {
                    cells += ["", ""]
                }
                for n in [64, 512] {
                    let b = hot(m, x: x, n: n, isa: avx2, tile: tile, timer: timer)
                    cells.append(Report.f(gflops(m, rows: b.rows, n: n, b.seconds)) + (defaults[n]! == tile ? " *" : ""))
                    table.records.append(Report.Record(m, n: n, cache: "hot", isa: "avx2", rows: b.rows, seconds: b.seconds, tile: tile))
                }
                table.rows.append(cells)
            }
        }
        return table
    }

    static func measureHelpers(timer: Timer) -> Report.Table {
        var table = Report.Table(header: ["helper", "size", "scalar µs", "AVX2 µs", "x"])
        func row(_ name: String, _ size: String, _ body: () -> Void) {
            enc_isa_set(Int32(ENC_ISA_SCALAR))
            let s = timer.perCall { _ in body() }
            enc_isa_set(enc_isa_detected())
            let a = timer.perCall { _ in body() }
            table.rows.append([name, size, String(format: "%.3f", s * 1e6), String(format: "%.3f", a * 1e6), Report.f(s / a)])
            table.records.append(Report.Record(helper: name, size: size, isa: "scalar", seconds: s))
            table.records.append(Report.Record(helper: name, size: size, isa: "avx2", seconds: a))
        }
        var rng = Random(seed: 8192)
        let floats = (0..<8192).map { _ in Float.random(in: -2...2, using: &rng) }
        let out = UnsafeMutableRawPointer.allocate(byteCount: 65536, alignment: 64)
        defer { out.deallocate() }
        for k in [576, 640, 1536, 2048] {
            row("quantize q8_32", "k=\(k)") { enc_quantize_row(Int32(ENC_ACT_Q8_32), floats, Int64(k), out) }
        }
        for k in [1024, 2048] {
            row("quantize q8_256", "k=\(k)") { enc_quantize_row(Int32(ENC_ACT_Q8_256), floats, Int64(k), out) }
        }
        let halves = [UInt16](repeating: 0x3C00, count: 512 * 256)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: 3 * 512)
        defer { scores.deallocate() }
        for dim in [64, 256] {
            // One tile as the engine runs it at decode: the 3 query heads of a SmolLM2 KV group.
            row("attn_tile_scores", "3 queries x 512 keys x \(dim)") {
                enc_attn_tile_scores(floats, 3, halves, Int64(dim), 512, Int64(dim), scores, 512)
            }
            row("attn_tile_accumulate", "3 queries x 512 keys x \(dim)") {
                enc_attn_tile_accumulate(floats, 512, 3, halves, Int64(dim), 512, Int64(dim), out.assumingMemoryBound(to: Float.self))
            }
        }
        row("f16_to_f32", "4096") { halves.withUnsafeBufferPointer { enc_f16_to_f32($0.baseAddress!, out.assumingMemoryBound(to: Float.self), 4096) } }
        return table
    }
}

// MARK: - Data

extension BenchKernelsCommand {
    /// A weight matrix in its ggml encoding, borrowed from a model file or owning random blocks.
    final class Matrix {
        static let benchTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]

        let label: String
        let type: GGMLType
        let rows: Int
        let k: Int
        let rowBytes: Int
        let data: UnsafeRawPointer
        /// The model file the data belongs to, nil for random blocks owned (and freed) by this matrix.
        let owner: GGUFFile?
        private let ownsData: Bool

        var bytes: Int { rows * rowBytes }
        var shape: String { "\(rows)x\(k)" }

        init(label: String, type: GGMLType, rows: Int, k: Int, data: UnsafeRawPointer, owner: GGUFFile?, ownsData: Bool = false) {
            self.label = label
            self.type = type
            self.rows = rows
            self.k = k
            self.rowBytes = type.rowBytes(elements: k)!
            self.data = data
            self.owner = owner
            self.ownsData = ownsData
        }

        deinit { if ownsData { data.deallocate() } }

        /// Random valid blocks: random quant bytes, f16 scales around 0.01, floats around 1.
        static func random(_ type: GGMLType, rows: Int, k: Int, label: String) -> Matrix {
            let rowBytes = type.rowBytes(elements: k)!
            let data = UnsafeMutableRawPointer.allocate(byteCount: rows * rowBytes, alignment: 64)
            var rng = Random(seed: UInt64(rows * 31 + k) &* 0x9E37_79B9 &+ UInt64(type.rawValue))
            let count = rows * rowBytes
            for i in stride(from: 0, to: count - 7, by: 8) { data.storeBytes(of: rng.next() as UInt64, toByteOffset: i, as: UInt64.self) }
            for i in (count - count % 8)..<count { data.storeBytes(of: UInt8.random(in: 0...255, using: &rng), toByteOffset: i, as: UInt8.self) }
            func half(_ v: Float) -> UInt16 { var f = v, h: UInt16 = 0; enc_f32_to_f16(&f, &h, 1); return h }
            switch type {
            case .f32: for i in 0..<(rows * k) { data.storeBytes(of: Float.random(in: -1...1, using: &rng), toByteOffset: 4 * i, as: Float.self) }
            case .f16: for i in 0..<(rows * k) { data.storeBytes(of: half(.random(in: -1...1, using: &rng)), toByteOffset: 2 * i, as: UInt16.self) }
            case .bf16:
                for i in 0..<(rows * k) {
                    data.storeBytes(of: UInt16(Float.random(in: -1...1, using: &rng).bitPattern >> 16), toByteOffset: 2 * i, as: UInt16.self)
                }
            default:
                let fields: [Int] = switch type {
                case .q4_1, .q5_1, .q4_K, .q5_K: [0, 2]
                case .q6_K: [208]
                default: [0]
                }
                for b in 0..<(count / type.blockBytes) {
                    for f in fields {
                        data.storeBytes(of: half(.random(in: -0.01...0.01, using: &rng)), toByteOffset: b * type.blockBytes + f, as: UInt16.self)
                    }
                }
            }
            return Matrix(label: label, type: type, rows: rows, k: k, data: UnsafeRawPointer(data), owner: nil, ownsData: true)
        }

        /// The tensor `name` of `file` if present, else random blocks of `type` and shape `rows` x `k`.
        static func tensor(_ file: GGUFFile?, _ name: String, _ type: GGMLType, rows: Int, k: Int) -> Matrix {
            if let file, let info = file.tensor(named: name), info.type == type, info.rowLength == k, info.rowCount == rows {
                return Matrix(label: name, type: type, rows: rows, k: k, data: file.data(of: info), owner: file)
            }
            return random(type, rows: rows, k: k, label: "\(name) (random)")
        }

        func multiply(_ w: UnsafeRawPointer, rows: Int, x: Activations, n: Int, y: UnsafeMutablePointer<Float>, tile: (Int32, Int32) = (0, 0)) {
            _ = enc_matmul_tiled(Int32(type.rawValue), tile.0, tile.1, w, Int64(rowBytes), Int64(k), 0, Int64(rows),
                                 x.bytes, Int64(x.stride), Int64(n), y, Int64(rows))
        }
    }

    /// `n` random activation rows quantised to the format `type` pairs with.
    final class Activations {
        let bytes: UnsafeMutableRawPointer
        let stride: Int

        init(type: GGMLType, k: Int, n: Int) {
            let format = enc_activation_format(Int32(type.rawValue))
            stride = Int(enc_activation_row_bytes(format, Int64(k)))
            bytes = UnsafeMutableRawPointer.allocate(byteCount: stride * n, alignment: 64)
            var floats = [Float](repeating: 0, count: k)
            var rng = Random(seed: UInt64(k * 7919 + n))
            for c in 0..<n {
                for i in 0..<k { floats[i] = Float.random(in: -1...1, using: &rng) * (Int.random(in: 0..<64, using: &rng) == 0 ? 20 : 1) }
                enc_quantize_row(format, floats, Int64(k), bytes + c * stride)
            }
        }

        deinit { bytes.deallocate() }
    }

    /// SplitMix64: fast, seeded (the system generator makes a system call per number).
    struct Random: RandomNumberGenerator {
        var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    struct Models {
        let smollm2: GGUFFile?
        let gemma: GGUFFile?

        func modelMatrices() -> [Matrix] {
            [
                Matrix.tensor(smollm2, "blk.0.attn_q.weight", .q4_1, rows: 576, k: 576),
                Matrix.tensor(smollm2, "blk.0.attn_k.weight", .q4_1, rows: 192, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_gate.weight", .q4_1, rows: 1536, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_down.weight", .q4_1, rows: 576, k: 1536),
                Matrix.tensor(smollm2, "token_embd.weight", .q8_0, rows: 49152, k: 576),
                Matrix.tensor(gemma, "blk.0.attn_q.weight", .q5_0, rows: 1024, k: 640),
                Matrix.tensor(gemma, "blk.0.attn_v.weight", .q8_0, rows: 256, k: 640),
                Matrix.tensor(gemma, "blk.0.ffn_gate.weight", .q5_0, rows: 2048, k: 640),
                Matrix.tensor(gemma, "blk.0.attn_output.weight", .q4_K, rows: 640, k: 1024),
                Matrix.tensor(gemma, "blk.2.ffn_down.weight", .q4_K, rows: 640, k: 2048),
                Matrix.tensor(gemma, "blk.0.ffn_down.weight", .q6_K, rows: 640, k: 2048),
                Matrix.tensor(gemma, "token_embd.weight", .q8_0, rows: 262_144, k: 640),
            ]
        }

        func swiftMatrices() -> [Matrix] {
            [
                Matrix.tensor(smollm2, "blk.0.attn_q.weight", .q4_1, rows: 576, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_gate.weight", .q4_1, rows: 1536, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_down.weight", .q4_1, rows: 576, k: 1536),
                Matrix.random(.q4_1, rows: 49152, k: 576, label: "output-sized Q4_1 (random)"),
            ]
        }

        func repackMatrices() -> [Matrix] {
            [
                Matrix.tensor(smollm2, "blk.0.attn_q.weight", .q4_1, rows: 576, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_gate.weight", .q4_1, rows: 1536, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_down.weight", .q4_1, rows: 576, k: 1536),
                Matrix.tensor(smollm2, "token_embd.weight", .q8_0, rows: 49152, k: 576),
                Matrix.tensor(gemma, "blk.0.attn_q.weight", .q5_0, rows: 1024, k: 640),
                Matrix.tensor(gemma, "blk.0.ffn_gate.weight", .q5_0, rows: 2048, k: 640),
                Matrix.tensor(gemma, "blk.0.attn_v.weight", .q8_0, rows: 256, k: 640),
                Matrix.tensor(gemma, "token_embd.weight", .q8_0, rows: 262_144, k: 640),
                Matrix.random(.q4_0, rows: 2048, k: 640, label: "Q4_0 (random)"),
            ]
        }

        func tileMatrices() -> [Matrix] {
            [
                Matrix.tensor(smollm2, "blk.0.ffn_gate.weight", .q4_1, rows: 1536, k: 576),
                Matrix.tensor(gemma, "blk.0.ffn_gate.weight", .q5_0, rows: 2048, k: 640),
                Matrix.random(.q8_0, rows: 2048, k: 640, label: "Q8_0 (random)"),
                Matrix.tensor(gemma, "blk.2.ffn_down.weight", .q4_K, rows: 640, k: 2048),
                Matrix.tensor(gemma, "blk.0.ffn_down.weight", .q6_K, rows: 640, k: 2048),
            ]
        }
    }
}

// MARK: - Timing and output

extension BenchKernelsCommand {
    /// Timing: median of repetitions, thread CPU time by default (time the thread spends preempted by other
    /// processes on a shared machine does not count), and one reusable buffer for the cold copies.
    final class Timer {
        let reps: Int
        let seconds: Double
        let wallClock: Bool
        private var coldBuffer: UnsafeMutableRawPointer?
        private var coldCapacity = 0

        init(reps: Int, seconds: Double, wallClock: Bool) {
            self.reps = reps
            self.seconds = seconds
            self.wallClock = wallClock
        }

        deinit { coldBuffer?.deallocate() }

        func now() -> Double {
            var ts = timespec()
            clock_gettime(wallClock ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
        }

        /// Median seconds per call; each repetition calls `body` (with a running index) for at least `seconds`,
        /// reading the clock only between growing batches of calls (a CPU-time read costs a system call).
        func perCall(_ body: (Int) -> Void) -> Double {
            var index = 0
            body(index)  // warm-up
            index += 1
            var samples: [Double] = []
            var batch = 1
            for _ in 0..<reps {
                let start = now()
                var calls = 0
                while true {
                    for _ in 0..<batch {
                        body(index)
                        index += 1
                    }
                    calls += batch
                    let elapsed = now() - start
                    if elapsed >= seconds {
                        samples.append(elapsed / Double(calls))
                        break
                    }
                    if elapsed * 16 < seconds { batch *= 2 }
                }
            }
            return samples.sorted()[samples.count / 2]
        }

        /// The number of rows (at most `available`) for which one call takes about one repetition, so slow paths
        /// (scalar, large batches) are measured on a leading slice of rows instead of taking minutes.
        func rowsFor(available: Int, _ body: (Int) -> Void) -> Int {
            var rows = min(available, 16)
            while rows < available {
                let start = now()
                body(rows)
                let t = now() - start
                if t >= seconds / 4 { return min(available, max(1, Int(Double(rows) * seconds / t))) }
                rows = min(available, rows * 4)
            }
            return available
        }

        /// Seconds per call of `body` on copies of `m` totalling at least 256 MB, one copy per call, so the weights
        /// always come from DRAM.
        func cold(_ m: Matrix, _ body: (UnsafeRawPointer) -> Void) -> Double {
            let copies = max(2, (BenchKernelsCommand.coldBytes + m.bytes - 1) / m.bytes)
            if coldCapacity < copies * m.bytes {
                coldBuffer?.deallocate()
                coldCapacity = copies * m.bytes
                coldBuffer = UnsafeMutableRawPointer.allocate(byteCount: coldCapacity, alignment: 64)
            }
            let buffer = coldBuffer!
            for c in 0..<copies { (buffer + c * m.bytes).copyMemory(from: m.data, byteCount: m.bytes) }
            return perCall { body(UnsafeRawPointer(buffer + ($0 % copies) * m.bytes)) }
        }
    }

    struct Report {
        struct Record: Codable {
            var tensor: String
            var type: String
            var shape: String
            var n: Int
            var cache: String
            var isa: String
            var tile: String?
            var rows: Int
            var seconds: Double
            var gflops: Double?
            var gbps: Double?

            init(_ m: Matrix, n: Int, cache: String, isa: String, rows: Int, seconds: Double, tile: (Int32, Int32)? = nil) {
                tensor = m.label
                type = m.type.name
                shape = m.shape
                self.n = n
                self.cache = cache
                self.isa = isa
                self.tile = tile.map { "\($0.0)x\($0.1)" }
                self.rows = rows
                self.seconds = seconds
                gflops = BenchKernelsCommand.gflops(m, rows: rows, n: n, seconds)
                gbps = BenchKernelsCommand.gbps(m, rows: rows, seconds)
            }

            init(helper: String, size: String, isa: String, seconds: Double) {
                (tensor, type, shape, n, cache, self.isa, rows, self.seconds) = (helper, "", size, 1, "hot", isa, 0, seconds)
            }
        }

        struct Table {
            var header: [String]
            var rows: [[String]] = []
            var records: [Record] = []
        }

        let json: Bool
        private var sections: [(title: String, table: Table?)] = []
        private var notes: [String] = []

        init(json: Bool) { self.json = json }

        static func f(_ v: Double) -> String { v >= 100 ? String(format: "%.0f", v) : v >= 10 ? String(format: "%.1f", v) : String(format: "%.2f", v) }

        mutating func note(_ text: String) { notes.append(text) }
        mutating func section(_ title: String) { sections.append((title, nil)) }

        mutating func add(_ table: Table) {
            guard let last = sections.indices.last else { return }
            if var existing = sections[last].table {
                existing.rows += table.rows
                existing.records += table.records
                sections[last].table = existing
            } else {
                sections[last].table = table
            }
            if !json, let row = table.rows.last {
                FileHandle.standardError.write(Data("  \(row.prefix(4).joined(separator: " "))\n".utf8))
            }
        }

        func print() {
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                let records = sections.flatMap { $0.table?.records ?? [] }
                Swift.print(String(decoding: (try? encoder.encode(records)) ?? Data(), as: UTF8.self))
                return
            }
            for n in notes { Swift.print(n) }
            for (title, table) in sections {
                guard let table else { continue }
                Swift.print("\n### \(title)\n")
                Swift.print("| " + table.header.joined(separator: " | ") + " |")
                Swift.print("|" + table.header.map { _ in "---" }.joined(separator: "|") + "|")
                for row in table.rows { Swift.print("| " + row.joined(separator: " | ") + " |") }
            }
        }
    }
}
