// Enclave load: what a soak samples from the server over time: its memory and, for Enclave, its metrics.

import Foundation

/// One sample of a server's resources during a soak.
public struct ResourceSample: Sendable, Codable, Equatable {
    /// Seconds after the soak began.
    public var timeS: Double
    /// The resident set size of the local process given with `--pid`, in bytes.
    public var rssBytes: Int?
    /// Each `enclave_` series of `/metrics` (counters and gauges, histograms left out), summed over labels.
    public var metrics: [String: Double]?

    enum CodingKeys: String, CodingKey {
        case timeS = "time_s"
        case rssBytes = "rss_bytes"
        case metrics
    }

    /// A sample of these values.
    public init(timeS: Double, rssBytes: Int?, metrics: [String: Double]?) {
        self.timeS = timeS
        self.rssBytes = rssBytes
        self.metrics = metrics
    }

    /// The resident set size of process `pid` from `/proc/PID/status` (`nil` if it cannot be read).
    public static func residentBytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    /// The `enclave_` counters and gauges of a Prometheus text exposition, each summed over its labels.
    public static func enclaveSeries(inPrometheusText text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("enclave_") {
            let nameEnd = line.firstIndex(where: { $0 == "{" || $0 == " " }) ?? line.endIndex
            let name = String(line[..<nameEnd])
            if name.hasSuffix("_bucket") || name.hasSuffix("_sum") || name.hasSuffix("_count") { continue }
            guard let valueText = line.split(separator: " ").last, let value = Double(valueText) else { continue }
            values[name, default: 0] += value
        }
        return values
    }
}
