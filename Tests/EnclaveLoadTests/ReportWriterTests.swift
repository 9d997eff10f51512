// Enclave load tests: the SVG parses, the PNG decodes, the HTML names no URL, the table and JSON have their keys.

import EnclaveLoad
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct ReportWriterTests {
    var records: [RequestRecord] {
        var generator = SeededGenerator(seed: 8)
        return (0..<300).map { index in
            var record = RequestRecord(group: "main", index: index, start: Double(index) * 0.1, maxTokens: 16)
            record.status = 200
            record.timeToFirstToken = 0.05 + generator.nextUnit() * 0.05
            record.endToEnd = 0.5 + generator.nextUnit()
            record.meanInterTokenLatency = 0.02
            record.completionTokens = 16
            if index % 50 == 0 {
                record.failure = .status(500)
                record.status = 500
            }
            return record
        }
    }

    var report: LoadReport {
        var gaps = LatencyHistogram()
        for value in [0.01, 0.02, 0.03] { gaps.record(seconds: value) }
        let level = LevelSummary(
            label: "concurrency 4",
            concurrency: 4,
            rate: nil,
            records: records,
            gaps: gaps,
            elapsed: 30,
            slo: ServiceLevelObjective(timeToFirstToken: 0.08)
        )
        return LoadReport(url: "http://127.0.0.1:1", model: "m<&>", mode: "soak", stream: true, levels: [level])
    }

    @Test func svgIsWellFormedXML() {
        let svg = SVGPlotWriter.svg(LatencyPlot(title: "t & <x>", records: records))
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(svg.contains("<polyline"))
    }

    @Test func pngChunksHaveValidChecksumsAndDecode() throws {
        let plot = LatencyPlot(title: "t", records: records)
        let png = PNGPlotWriter.png(plot)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8
        var types: [String] = []
        var idat: [UInt8] = []
        while offset < png.count {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let typeAndData = Array(png[(offset + 4)..<(offset + 8 + length)])
            let stored = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(PNGEncoder.crc32(typeAndData) == stored)
            let type = String(decoding: typeAndData.prefix(4), as: UTF8.self)
            types.append(type)
            if type == "IDAT" { idat += typeAndData.dropFirst(4) }
            offset += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "IEND"])
        // Inflate the stored blocks and check the size and the Adler-32.
        var inflated: [UInt8] = []
        var cursor = 2
        var final = false
        while !final {
            final = idat[cursor] & 1 == 1
            #expect(idat[cursor] & 0b110 == 0)
            let length = Int(idat[cursor + 1]) | Int(idat[cursor + 2]) << 8
            #expect(UInt16(length) == ~(UInt16(idat[cursor + 3]) | UInt16(idat[cursor + 4]) << 8))
            inflated += idat[(cursor + 5)..<(cursor + 5 + length)]
            cursor += 5 + length
        }
        #expect(inflated.count == (plot.width * 3 + 1) * plot.height)
        #expect(idat[cursor..<(cursor + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } == PNGEncoder.adler32(inflated))
        #expect(inflated.contains { $0 != 0xFF && $0 != 0 }, "something is drawn")
    }

    @Test func pythonZlibReadsThePNG() async throws {
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("plot-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(PNGPlotWriter.png(LatencyPlot(title: "t", records: records))).write(to: file)
        let script = """
            import sys, zlib, struct
            data = open(sys.argv[1], 'rb').read()
            pos, idat = 8, b''
            while pos < len(data):
                n, = struct.unpack('>I', data[pos:pos+4]); kind = data[pos+4:pos+8]
                assert zlib.crc32(data[pos+4:pos+8+n]) == struct.unpack('>I', data[pos+8+n:pos+12+n])[0]
                if kind == b'IHDR': w, h = struct.unpack('>II', data[pos+8:pos+16])
                if kind == b'IDAT': idat += data[pos+8:pos+8+n]
                pos += 12 + n
            raw = zlib.decompress(idat)
            assert len(raw) == (w * 3 + 1) * h
            print(w, h)
            """
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script, file.path]
        let output = Pipe()
        process.standardOutput = output
        // Wait without blocking a thread of the cooperative pool (it has one per core), so timing tests run on.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        #expect(status == 0)
        #expect(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "960 480\n")
    }

    @Test func htmlIsSelfContained() {
        let plot = LatencyPlot(title: "t", records: records)
        let html = HTMLReportWriter.html(report, plot: plot, png: PNGPlotWriter.png(plot))
        let withoutTarget = html.replacingOccurrences(of: "http://127.0.0.1:1", with: "")
        #expect(!withoutTarget.lowercased().contains("http:"))
        #expect(!withoutTarget.lowercased().contains("https:"))
        #expect(!withoutTarget.contains("<script"))
        #expect(html.contains("data:image/png;base64,"))
        #expect(html.contains("m&lt;&amp;&gt;"))
    }

    @Test func summaryCountsErrorsAndGoodput() throws {
        let level = report.levels[0]
        #expect(level.requests == 300)
        #expect(level.errors == 6)
        #expect(level.errorsByKind == ["http_500": 6])
        #expect(level.requestsPerS == (294.0 / 30 * 1000).rounded() / 1000)
        #expect(level.outputTokS == (294.0 * 16 / 30 * 1000).rounded() / 1000)
        let good = records.filter { $0.succeeded && $0.timeToFirstToken! <= 0.08 }.count
        #expect(level.goodFraction == (Double(good) / 300 * 1000).rounded() / 1000)
        let object = try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
        let first = try #require((object["levels"] as? [[String: Any]])?.first)
        for key in ["requests", "errors", "ttft_ms", "itl_ms", "e2e_ms", "output_tok_s"] { #expect(first[key] != nil, "\(key)") }
        for key in ["p50", "p90", "p99"] { #expect((first["ttft_ms"] as? [String: Any])?[key] != nil) }
        #expect(report.table().contains("concurrency 4"))
    }

    @Test func csvHasARowPerRequest() {
        let csv = RequestTable.csv([("c1", records)])
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 301)
        #expect(lines[0] == Substring(RequestTable.header))
        #expect(lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 14 })
    }
}
