// Enclave bench: the measurements of `KernelBench`, one table per matrix.

import CEnclaveKernels
import EnclaveEngine
import EnclaveEngineFixtures
import Foundation

extension KernelBench {
    static let hotBytes = 16 << 20
    static let coldBytes = 256 << 20
    static let batchRowCap = 16384

    static func gflops(_ m: Matrix, rows: Int, n: Int, _ seconds: Double) -> Double { 2 * Double(m.k * rows * n) / seconds / 1e9 }
    static func gbps(_ m: Matrix, rows: Int, _ seconds: Double) -> Double { Double(m.rowBytes * rows) / seconds / 1e9 }

    /// Seconds per call and rows used for `n` columns with the weights hot (at most 16 MB of rows) on `isa`.
    static func hot(
        _ m: Matrix,
        x: Activations,
        n: Int,
        isa: Int32,
        tile: (Int32, Int32) = (0, 0),
        timer: KernelBenchTimer
    ) -> (seconds: Double, rows: Int) {
        enc_isa_set(isa)
        defer { enc_isa_set(enc_isa_detected()) }
        let cap = n == 1 ? max(1, min(m.rows, hotBytes / m.rowBytes)) : min(m.rows, batchRowCap)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: cap * n)
        defer { y.deallocate() }
        let rows = timer.rowsFor(available: cap) { m.multiply(m.data, rows: $0, x: x, n: n, y: y, tile: tile) }
        return (timer.perCall { _ in m.multiply(m.data, rows: rows, x: x, n: n, y: y, tile: tile) }, rows)
    }

    static func measureAll(_ m: Matrix, timer: KernelBenchTimer) -> KernelBenchReport.Table {
        let scalar = Int32(ENC_ISA_SCALAR)
        let avx2 = enc_isa_detected()
        let x = Activations(type: m.type, k: m.k, n: 512)
        var tiles: [String] = []
        for n in [1, 512] {
            var r: Int32 = 0
            var c: Int32 = 0
            enc_isa_set(avx2)
            enc_matmul_default_tile(Int32(m.type.rawValue), Int64(n), &r, &c)
            tiles.append("\(r)x\(c)")
        }
        var table = KernelBenchReport.Table(header: [
            "tensor", "type", "rows x k", "MB", "tiles n=1, n>=4", "n=1 hot scalar GF/s", "AVX2 GF/s", "x", "AVX2 GB/s",
            "n=1 cold AVX2 GB/s", "n=64 scalar GF/s", "AVX2 GF/s", "x", "n=512 scalar GF/s", "AVX2 GF/s", "x",
        ])
        var cells = [m.label, m.type.name, m.shape, String(format: "%.2f", Double(m.bytes) / 1e6), tiles.joined(separator: ", ")]
        for n in [1, 64, 512] {
            let s = hot(m, x: x, n: n, isa: scalar, timer: timer)
            let a = hot(m, x: x, n: n, isa: avx2, timer: timer)
            let sg = gflops(m, rows: s.rows, n: n, s.seconds)
            let ag = gflops(m, rows: a.rows, n: n, a.seconds)
            table.records.append(KernelBenchReport.Record(m, n: n, cache: "hot", isa: "scalar", rows: s.rows, seconds: s.seconds))
            table.records.append(KernelBenchReport.Record(m, n: n, cache: "hot", isa: "avx2", rows: a.rows, seconds: a.seconds))
            cells += [KernelBenchReport.f(sg), KernelBenchReport.f(ag), KernelBenchReport.f(ag / sg)]
            if n == 1 {
                cells.append(KernelBenchReport.f(gbps(m, rows: a.rows, a.seconds)))
                enc_isa_set(avx2)
                let y = UnsafeMutablePointer<Float>.allocate(capacity: m.rows)
                defer { y.deallocate() }
                let t = timer.cold(m) { m.multiply($0, rows: m.rows, x: x, n: 1, y: y) }
                table.records.append(KernelBenchReport.Record(m, n: 1, cache: "cold", isa: "avx2", rows: m.rows, seconds: t))
                cells.append(KernelBenchReport.f(gbps(m, rows: m.rows, t)))
            }
        }
        table.rows.append(cells)
        return table
    }

    static func measureSwift(_ m: Matrix, timer: KernelBenchTimer) -> KernelBenchReport.Table {
        let x = Activations(type: m.type, k: m.k, n: 1)
        let blocks = m.k / 32
        let expanded = UnsafeMutablePointer<SwiftQ4_1Kernel.ExpandedBlock>.allocate(capacity: blocks)
        defer { expanded.deallocate() }
        SwiftQ4_1Kernel.expand(x.bytes, blocks: blocks, into: expanded)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: m.rows)
        defer { y.deallocate() }
        let hotRows = max(2, min(m.rows, hotBytes / m.rowBytes))
        let swiftHot = timer.perCall { _ in SwiftQ4_1Kernel.matvec(m.data, rowBytes: m.rowBytes, blocks: blocks, rows: 0..<hotRows, x: expanded, y: y)
        }
        let swiftCold = timer.cold(m) { SwiftQ4_1Kernel.matvec($0, rowBytes: m.rowBytes, blocks: blocks, rows: 0..<m.rows, x: expanded, y: y) }
        let scalar = hot(m, x: x, n: 1, isa: Int32(ENC_ISA_SCALAR), timer: timer)
        let avx2 = hot(m, x: x, n: 1, isa: enc_isa_detected(), timer: timer)
        enc_isa_set(enc_isa_detected())
        let avx2Cold = timer.cold(m) { m.multiply($0, rows: m.rows, x: x, n: 1, y: y) }
        var table = KernelBenchReport.Table(header: [
            "tensor", "rows x k", "Swift hot GF/s", "Swift cold GB/s", "C scalar hot GF/s",
            "C AVX2 hot GF/s", "C AVX2 cold GB/s", "AVX2 / Swift hot", "AVX2 / Swift cold",
        ])
        let swiftGF = gflops(m, rows: hotRows, n: 1, swiftHot)
        let avx2GF = gflops(m, rows: avx2.rows, n: 1, avx2.seconds)
        let swiftGB = gbps(m, rows: m.rows, swiftCold)
        let avx2GB = gbps(m, rows: m.rows, avx2Cold)
        table.rows.append([
            m.label, m.shape, KernelBenchReport.f(swiftGF), KernelBenchReport.f(swiftGB),
            KernelBenchReport.f(gflops(m, rows: scalar.rows, n: 1, scalar.seconds)),
            KernelBenchReport.f(avx2GF), KernelBenchReport.f(avx2GB), KernelBenchReport.f(avx2GF / swiftGF), KernelBenchReport.f(avx2GB / swiftGB),
        ])
        table.records += [
            KernelBenchReport.Record(m, n: 1, cache: "hot", isa: "swift", rows: hotRows, seconds: swiftHot),
            KernelBenchReport.Record(m, n: 1, cache: "cold", isa: "swift", rows: m.rows, seconds: swiftCold),
            KernelBenchReport.Record(m, n: 1, cache: "hot", isa: "scalar", rows: scalar.rows, seconds: scalar.seconds),
            KernelBenchReport.Record(m, n: 1, cache: "hot", isa: "avx2", rows: avx2.rows, seconds: avx2.seconds),
            KernelBenchReport.Record(m, n: 1, cache: "cold", isa: "avx2", rows: m.rows, seconds: avx2Cold),
        ]
        return table
    }

    static func measureRepacked(_ m: Matrix, timer: KernelBenchTimer) -> KernelBenchReport.Table {
        let avx2 = enc_isa_detected()
        enc_isa_set(avx2)
        let type = Int32(m.type.rawValue)
        let packedBytes = Int(enc_repack_bytes(type, Int64(m.rows), Int64(m.k)))
        let packed = UnsafeMutableRawPointer.allocate(byteCount: packedBytes, alignment: 64)
        defer { packed.deallocate() }
        _ = enc_repack(type, m.data, Int64(m.rowBytes), Int64(m.rows), Int64(m.k), packed)
        let repacked = Matrix(label: m.label, type: m.type, rows: m.rows, k: m.k, data: UnsafeRawPointer(packed), owner: m.owner)
        let x = Activations(type: m.type, k: m.k, n: 512)
        var table = KernelBenchReport.Table(header: [
            "tensor", "type", "rows x k", "n=1 hot plain GF/s", "repacked GF/s", "x", "n=1 cold plain GB/s",
            "repacked GB/s", "x", "n=64 plain GF/s", "repacked GF/s", "x", "n=512 plain GF/s", "repacked GF/s", "x",
        ])
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
            let pg = gflops(m, rows: plain.rows, n: n, plain.seconds)
            let rg = gflops(m, rows: used, n: n, t)
            cells += [KernelBenchReport.f(pg), KernelBenchReport.f(rg), KernelBenchReport.f(rg / pg)]
            table.records.append(KernelBenchReport.Record(m, n: n, cache: "hot", isa: "avx2", rows: plain.rows, seconds: plain.seconds))
            table.records.append(KernelBenchReport.Record(repacked, n: n, cache: "hot", isa: "avx2-repacked", rows: used, seconds: t))
            if n == 1 {
                let plainCold = timer.cold(m) { m.multiply($0, rows: m.rows, x: x, n: 1, y: y) }
                let packedCold = timer.cold(repacked) { packedCall($0, rows: m.rows, n: 1) }
                let pb = gbps(m, rows: m.rows, plainCold)
                let rb = gbps(m, rows: m.rows, packedCold)
                cells += [KernelBenchReport.f(pb), KernelBenchReport.f(rb), KernelBenchReport.f(rb / pb)]
                table.records.append(KernelBenchReport.Record(m, n: 1, cache: "cold", isa: "avx2", rows: m.rows, seconds: plainCold))
                table.records.append(KernelBenchReport.Record(repacked, n: 1, cache: "cold", isa: "avx2-repacked", rows: m.rows, seconds: packedCold))
            }
        }
        table.rows.append(cells)
        return table
    }

    static func measureTiles(_ m: Matrix, timer: KernelBenchTimer) -> KernelBenchReport.Table {
        let avx2 = enc_isa_detected()
        let x = Activations(type: m.type, k: m.k, n: 512)
        var table = KernelBenchReport.Table(header: [
            "tensor", "type", "rows x k", "tile", "n=1 hot GF/s", "n=1 cold GB/s", "n=64 GF/s", "n=512 GF/s",
        ])
        var defaults: [Int: (Int32, Int32)] = [:]
        for n in [1, 64, 512] {
            var r: Int32 = 0
            var c: Int32 = 0
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
                    cells += [
                        KernelBenchReport.f(gflops(m, rows: h.rows, n: 1, h.seconds)) + mark, KernelBenchReport.f(gbps(m, rows: m.rows, t)) + mark,
                    ]
                    table.records.append(KernelBenchReport.Record(m, n: 1, cache: "hot", isa: "avx2", rows: h.rows, seconds: h.seconds, tile: tile))
                    table.records.append(KernelBenchReport.Record(m, n: 1, cache: "cold", isa: "avx2", rows: m.rows, seconds: t, tile: tile))
                } else {
                    cells += ["", ""]
                }
                for n in [64, 512] {
                    let b = hot(m, x: x, n: n, isa: avx2, tile: tile, timer: timer)
                    cells.append(KernelBenchReport.f(gflops(m, rows: b.rows, n: n, b.seconds)) + (defaults[n]! == tile ? " *" : ""))
                    table.records.append(KernelBenchReport.Record(m, n: n, cache: "hot", isa: "avx2", rows: b.rows, seconds: b.seconds, tile: tile))
                }
                table.rows.append(cells)
            }
        }
        return table
    }

    static func measureHelpers(timer: KernelBenchTimer) -> KernelBenchReport.Table {
        var table = KernelBenchReport.Table(header: ["helper", "size", "scalar µs", "AVX2 µs", "x"])
        func row(_ name: String, _ size: String, _ body: () -> Void) {
            enc_isa_set(Int32(ENC_ISA_SCALAR))
            let s = timer.perCall { _ in body() }
            enc_isa_set(enc_isa_detected())
            let a = timer.perCall { _ in body() }
            table.rows.append([name, size, String(format: "%.3f", s * 1e6), String(format: "%.3f", a * 1e6), KernelBenchReport.f(s / a)])
            table.records.append(KernelBenchReport.Record(helper: name, size: size, isa: "scalar", seconds: s))
            table.records.append(KernelBenchReport.Record(helper: name, size: size, isa: "avx2", seconds: a))
        }
        var rng = SplitMix64(seed: 8192)
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
        row("f16_to_f32", "4096") {
            halves.withUnsafeBufferPointer { enc_f16_to_f32($0.baseAddress!, out.assumingMemoryBound(to: Float.self), 4096) }
        }
        return table
    }
}
