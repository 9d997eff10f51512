// Enclave load: the percentiles of one latency measure, in milliseconds.

/// p50/p90/p95/p99, mean, min and max of one measure in milliseconds, as reports and `--json` give them.
public struct LatencySummary: Sendable, Equatable, Codable {
    /// How many values.
    public var count: Int
    /// The median.
    public var p50: Double
    /// The 90th percentile.
    public var p90: Double
    /// The 95th percentile.
    public var p95: Double
    /// The 99th percentile.
    public var p99: Double
    /// The mean.
    public var mean: Double
    /// The smallest value.
    public var min: Double
    /// The largest value.
    public var max: Double

    /// The summary of `histogram` (recorded in microseconds), in milliseconds.
    public init(_ histogram: LatencyHistogram) {
        count = Int(histogram.count)
        p50 = Self.milliseconds(histogram.percentile(50))
        p90 = Self.milliseconds(histogram.percentile(90))
        p95 = Self.milliseconds(histogram.percentile(95))
        p99 = Self.milliseconds(histogram.percentile(99))
        mean = Self.milliseconds(histogram.mean)
        min = Self.milliseconds(Double(histogram.minimum))
        max = Self.milliseconds(Double(histogram.maximum))
    }

    /// The summary of durations in seconds.
    public init(seconds values: some Sequence<Double>) {
        var histogram = LatencyHistogram()
        for value in values { histogram.record(seconds: value) }
        self.init(histogram)
    }

    private static func milliseconds(_ microseconds: Double) -> Double {
        (microseconds / 10).rounded() / 100
    }
}
