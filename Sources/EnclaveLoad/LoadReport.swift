// Enclave load: a whole load test's results: the target, each level's summary, and the per-group views.

public import Foundation

/// What `enclave bench run` prints with `--json` and writes as `summary.json`.
public struct LoadReport: Sendable, Codable {
    /// The server's base URL.
    public var url: String
    /// The model asked for.
    public var model: String
    /// `closed`, `open`, `soak` or `fairness`.
    public var mode: String
    /// Streaming or not.
    public var stream: Bool
    /// One entry per level (per concurrency of a sweep), or per group in the fairness scenario.
    public var levels: [LevelSummary]
    /// Resource samples of a soak (RSS, metrics), if any were taken.
    public var resources: [ResourceSample]?

    /// A report of these parts.
    public init(url: String, model: String, mode: String, stream: Bool, levels: [LevelSummary], resources: [ResourceSample]? = nil) {
        self.url = url
        self.model = model
        self.mode = mode
        self.stream = stream
        self.levels = levels
        self.resources = resources
    }

    /// Pretty, key-sorted JSON.
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }

    /// The table printed on standard output.
    public func table() -> String {
        var lines = ["\(mode) load on \(url), model \(model)\(stream ? "" : ", no streaming")"]
        let header = [
            "load", "reqs", "err", "req/s", "out tok/s", "ttft p50", "ttft p90", "ttft p99", "itl p50", "itl p99", "e2e p50", "e2e p99", "goodput",
        ]
        var rows = [header]
        for level in levels {
            rows.append([
                level.label, "\(level.requests)", "\(level.errors)", Self.number(level.requestsPerS), Self.number(level.outputTokS),
                Self.ms(level.ttftMs.p50), Self.ms(level.ttftMs.p90), Self.ms(level.ttftMs.p99), Self.ms(level.itlMs.p50),
                Self.ms(level.itlMs.p99), Self.ms(level.e2eMs.p50), Self.ms(level.e2eMs.p99),
                level.goodFraction.map { "\(Int(($0 * 100).rounded()))%" } ?? "-",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
        for level in levels {
            var notes: [String] = []
            if !level.errorsByKind.isEmpty {
                notes.append("errors " + level.errorsByKind.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            }
            if level.cancelledAtDeadline > 0 { notes.append("\(level.cancelledAtDeadline) in flight at the deadline, cancelled") }
            if level.succeeded > 0 && !level.usageReported { notes.append("completion tokens counted from the stream (no usage)") }
            if !notes.isEmpty { lines.append("\(level.label): " + notes.joined(separator: "; ")) }
        }
        return lines.joined(separator: "\n")
    }

    static func ms(_ value: Double) -> String {
        value >= 100 ? "\(Int(value.rounded()))ms" : String(format: "%.1fms", value)
    }

    static func number(_ value: Double) -> String {
        value >= 100 ? "\(Int(value.rounded()))" : String(format: "%.2f", value)
    }
}
