// Enclave load: the per-request CSV of a run (no prompt or answer text, only measurements).

import Foundation

/// Writes `requests.csv`: one row per request with its level, group, timings in milliseconds and outcome.
public enum RequestTable {
    /// The CSV header.
    public static let header =
        "level,group,index,start_s,status,outcome,ttft_ms,itl_mean_ms,itl_max_ms,e2e_ms,prompt_tokens,completion_tokens,usage_reported,max_tokens"

    /// The CSV text of `levels`: each pair is a level's label and its records.
    public static func csv(_ levels: [(label: String, records: [RequestRecord])]) -> String {
        var text = header + "\n"
        for (label, records) in levels {
            for record in records.sorted(by: { $0.start < $1.start }) {
                let fields: [String] = [
                    quoted(label), quoted(record.group), "\(record.index)", fixed(record.start, 4), "\(record.status)",
                    record.failure?.name ?? "ok", optional(record.timeToFirstToken), optional(record.meanInterTokenLatency),
                    optional(record.maximumInterTokenLatency), fixed(record.endToEnd * 1000, 3), record.promptTokens.map(String.init) ?? "",
                    "\(record.completionTokens)", record.usageReported ? "1" : "0", "\(record.maxTokens)",
                ]
                text += fields.joined(separator: ",") + "\n"
            }
        }
        return text
    }

    private static func optional(_ seconds: Double?) -> String {
        seconds.map { fixed($0 * 1000, 3) } ?? ""
    }

    private static func fixed(_ value: Double, _ digits: Int) -> String {
        let scale = pow10(digits)
        return "\((value * scale).rounded() / scale)"
    }

    private static func pow10(_ digits: Int) -> Double {
        (0..<digits).reduce(1.0) { value, _ in value * 10 }
    }

    private static func quoted(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
