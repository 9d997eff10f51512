// Enclave load: the offline HTML report of a run: its tables, the SVG plot inline and the PNG as a data URI.

import Foundation

/// Writes one self-contained HTML page: no script, no stylesheet or image from anywhere else, so it opens on
/// an offline machine and names no URL (the inline SVG needs no namespace in HTML).
public enum HTMLReportWriter {
    /// The page for `report`, with `plot` drawn inline and as PNG.
    public static func html(_ report: LoadReport, plot: LatencyPlot, png: [UInt8]) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>enclave bench run: \(escape(report.mode)) load</title>
            <style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}\
            td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}</style>
            </head><body>
            <h1>Load test: \(escape(report.mode))</h1>
            <p>Target \(escape(report.url)), model \(escape(report.model)), \(report.stream ? "streaming" : "not streaming").</p>
            <table><tr><th>load</th><th>requests</th><th>errors</th><th>req/s</th><th>output tok/s</th>\
            <th>TTFT p50</th><th>TTFT p90</th><th>TTFT p99</th><th>ITL p50</th><th>ITL p99</th>\
            <th>e2e p50</th><th>e2e p90</th><th>e2e p99</th><th>good</th></tr>

            """
        for level in report.levels {
            let cells = [
                level.label, "\(level.requests)", "\(level.errors)", "\(level.requestsPerS)", "\(level.outputTokS)", ms(level.ttftMs.p50),
                ms(level.ttftMs.p90), ms(level.ttftMs.p99), ms(level.itlMs.p50), ms(level.itlMs.p99), ms(level.e2eMs.p50), ms(level.e2eMs.p90),
                ms(level.e2eMs.p99), level.goodFraction.map { "\(Int(($0 * 100).rounded()))%" } ?? "-",
            ]
            page += "<tr>" + cells.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        page += "</table>\n"
        let errors = report.levels.filter { !$0.errorsByKind.isEmpty || $0.cancelledAtDeadline > 0 }
        if !errors.isEmpty {
            page += "<h2>Errors</h2><ul>\n"
            for level in errors {
                var parts = level.errorsByKind.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                if level.cancelledAtDeadline > 0 { parts.append("cancelled at the deadline: \(level.cancelledAtDeadline)") }
                page += "<li>\(escape(level.label)): \(escape(parts.joined(separator: ", ")))</li>\n"
            }
            page += "</ul>\n"
        }
        page += "<h2>Latency over time</h2>\n" + SVGPlotWriter.svg(plot, standalone: false)
        page += "<h2>The same plot as PNG</h2>\n<img alt=\"latency over time\" src=\"data:image/png;base64,\(Data(png).base64EncodedString())\">\n"
        if let samples = report.resources, !samples.isEmpty {
            page += "<h2>Server resources</h2><table><tr><th>time</th><th>RSS</th><th>metrics</th></tr>\n"
            let step = max(1, samples.count / 40)
            for sample in samples.enumerated().filter({ $0.offset % step == 0 || $0.offset == samples.count - 1 }).map(\.element) {
                let rss = sample.rssBytes.map { "\(($0 / 1024 / 1024)) MiB" } ?? "-"
                let metrics = (sample.metrics ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\(trim($0.value))" }.joined(separator: " ")
                page += "<tr><td>\(trim(sample.timeS))s</td><td>\(rss)</td><td style=\"text-align:left\">\(escape(metrics))</td></tr>\n"
            }
            page += "</table>\n"
        }
        page += "</body></html>\n"
        return page
    }

    private static func ms(_ value: Double) -> String { "\(value) ms" }

    private static func trim(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
    }

    private static func escape(_ text: String) -> String { SVGPlotWriter.escape(text) }
}
