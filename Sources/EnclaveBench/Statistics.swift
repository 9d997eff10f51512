// Enclave bench: the summary statistics of repeated measurements.

/// Medians and percentiles of timing samples.
public enum Statistics {
    /// The median: the middle value, or the mean of the two middle values of an even count; 0 for no values.
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The `percent`-th percentile by rank: the value at index `count * percent / 100` of the sorted values
    /// (the 10th of 25 samples is the third smallest); 0 for no values.
    public static func percentile(_ values: [Double], _ percent: Int) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, sorted.count * max(0, percent) / 100)]
    }
}
