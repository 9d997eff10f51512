// Enclave bench: the tables and records `KernelBench` produces, as Markdown or JSON.

import EnclaveEngine
public import Foundation

/// The results of a ``KernelBench`` run: a note, then sections of one table each (Markdown), or the flat list of
/// records (JSON).
public struct KernelBenchReport {
    /// One measurement, as written in the JSON output.
    public struct Record: Codable, Sendable {
        public var tensor: String
        public var type: String
        public var shape: String
        public var n: Int
        public var cache: String
        public var isa: String
        public var tile: String?
        public var rows: Int
        public var seconds: Double
        public var gflops: Double?
        public var gbps: Double?

        init(_ m: KernelBench.Matrix, n: Int, cache: String, isa: String, rows: Int, seconds: Double, tile: (Int32, Int32)? = nil) {
            tensor = m.label
            type = m.type.name
            shape = m.shape
            self.n = n
            self.cache = cache
            self.isa = isa
            self.tile = tile.map { "\($0.0)x\($0.1)" }
            self.rows = rows
            self.seconds = seconds
            gflops = KernelBench.gflops(m, rows: rows, n: n, seconds)
            gbps = KernelBench.gbps(m, rows: rows, seconds)
        }

        init(helper: String, size: String, isa: String, seconds: Double) {
            (tensor, type, shape, n, cache, self.isa, rows, self.seconds) = (helper, "", size, 1, "hot", isa, 0, seconds)
        }
    }

    /// One Markdown table and the records behind it.
    struct Table {
        var header: [String]
        var rows: [[String]] = []
        var records: [Record] = []
    }

    private var sections: [(title: String, table: Table?)] = []
    private var notes: [String] = []
    private let progress: (String) -> Void

    init(progress: @escaping (String) -> Void) { self.progress = progress }

    /// A figure with three significant digits or so: `123`, `12.3`, `1.23`.
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
        if let row = table.rows.last { progress("  \(row.prefix(4).joined(separator: " "))") }
    }

    /// Every record, in the order measured.
    public var records: [Record] { sections.flatMap { $0.table?.records ?? [] } }

    /// The records as pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(records), as: UTF8.self)
    }

    /// The notes, then each section as a Markdown table (no trailing newline).
    public func markdown() -> String {
        var lines = notes
        for (title, table) in sections {
            guard let table else { continue }
            lines.append("\n### \(title)\n")
            lines.append("| " + table.header.joined(separator: " | ") + " |")
            lines.append("|" + table.header.map { _ in "---" }.joined(separator: "|") + "|")
            for row in table.rows { lines.append("| " + row.joined(separator: " | ") + " |") }
        }
        return lines.joined(separator: "\n")
    }
}
