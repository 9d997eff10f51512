// Enclave load: a log-bucketed latency histogram with HdrHistogram-style bounded relative error.

/// Counts of durations in microseconds, bucketed so that every recorded value is known to within 1/256 of
/// itself (values below 256 µs exactly): 128 linear sub-buckets per power of two, as HdrHistogram does.
///
/// Memory is fixed (about 7,000 counters), so a soak of millions of inter-token gaps costs nothing extra.
/// ```swift
/// var histogram = LatencyHistogram()
/// histogram.record(microseconds: 1_250)
/// histogram.percentile(99)  // 1_250 within 0.4 %
/// ```
public struct LatencyHistogram: Sendable, Equatable {
    private static let exactLimit: UInt64 = 256
    private static let subBuckets = 128
    private static let bucketCount = 256 + 56 * 128

    private var counts: [UInt64]
    /// How many values were recorded.
    public private(set) var count: UInt64 = 0
    /// The smallest recorded value in microseconds (0 when empty).
    public private(set) var minimum: UInt64 = 0
    /// The largest recorded value in microseconds (0 when empty).
    public private(set) var maximum: UInt64 = 0
    private var sum: Double = 0

    /// An empty histogram.
    public init() {
        counts = Array(repeating: 0, count: Self.bucketCount)
    }

    /// Records one value given in microseconds.
    public mutating func record(microseconds value: UInt64) {
        counts[Self.index(of: value)] += 1
        if count == 0 || value < minimum { minimum = value }
        if value > maximum { maximum = value }
        count += 1
        sum += Double(value)
    }

    /// Records one duration given in seconds (negative values count as zero).
    public mutating func record(seconds: Double) {
        record(microseconds: UInt64(max(0, (seconds * 1_000_000).rounded())))
    }

    /// Adds every value of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        for index in counts.indices where other.counts[index] > 0 { counts[index] += other.counts[index] }
        minimum = count == 0 ? other.minimum : min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        count += other.count
        sum += other.sum
    }

    /// The mean in microseconds (exact; 0 when empty).
    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// The `percent`-th percentile in microseconds: the value with rank `ceil(count * percent / 100)`,
    /// reported as the middle of its bucket and clamped to the recorded minimum and maximum; 0 when empty.
    public func percentile(_ percent: Double) -> Double {
        guard count > 0 else { return 0 }
        let rank = max(1, UInt64((Double(count) * min(100, max(0, percent)) / 100).rounded(.up)))
        var seen: UInt64 = 0
        for index in counts.indices where counts[index] > 0 {
            seen += counts[index]
            if seen >= rank {
                let (low, width) = Self.bounds(of: index)
                let middle = Double(low) + Double(width - 1) / 2
                return min(Double(maximum), max(Double(minimum), middle))
            }
        }
        return Double(maximum)
    }

    /// The bucket that holds `value` (values under 256 have one each; above, 128 sub-buckets per power of two).
    public static func index(of value: UInt64) -> Int {
        if value < exactLimit { return Int(value) }
        let highest = 63 - value.leadingZeroBitCount
        let shift = highest - 7
        let top = Int(value >> UInt64(shift)) - subBuckets
        return Int(exactLimit) + (shift - 1) * subBuckets + top
    }

    /// The smallest value of bucket `index` and how many values it spans.
    public static func bounds(of index: Int) -> (low: UInt64, width: UInt64) {
        if index < Int(exactLimit) { return (UInt64(index), 1) }
        let offset = index - Int(exactLimit)
        let shift = offset / subBuckets + 1
        let top = UInt64(offset % subBuckets + subBuckets)
        return (top << UInt64(shift), 1 << UInt64(shift))
    }
}
