// Enclave load tests: the histogram's percentiles against known distributions.

import EnclaveLoad
import Foundation
import Testing

@Suite struct LatencyHistogramTests {
    /// The exact percentile by the same rank rule the histogram uses.
    func exact(_ sorted: [UInt64], _ percent: Double) -> Double {
        let rank = max(1, Int((Double(sorted.count) * percent / 100).rounded(.up)))
        return Double(sorted[rank - 1])
    }

    @Test func uniformValuesAreWithinHalfAPercent() {
        var histogram = LatencyHistogram()
        var values: [UInt64] = []
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<100_000 {
            let value = 1 + generator.next() % 2_000_000
            values.append(value)
            histogram.record(microseconds: value)
        }
        values.sort()
        for percent in [50.0, 90.0, 95.0, 99.0, 99.9] {
            let truth = exact(values, percent)
            #expect(abs(histogram.percentile(percent) - truth) / truth < 0.005, "p\(percent)")
        }
        #expect(histogram.count == 100_000)
        #expect(histogram.minimum == values.first)
        #expect(histogram.maximum == values.last)
        #expect(abs(histogram.mean - Double(values.reduce(0, +)) / 1e5) < 1e-6)
    }

    @Test func exponentialTailIsAccurate() {
        var histogram = LatencyHistogram()
        var generator = SeededGenerator(seed: 11)
        var values: [UInt64] = []
        for _ in 0..<50_000 {
            let value = UInt64(-log(1 - generator.nextUnit()) * 20_000) + 1
            values.append(value)
            histogram.record(microseconds: value)
        }
        values.sort()
        // The exponential's p99 is mean * ln(100), about 92 ms for a mean of 20 ms.
        #expect(abs(histogram.percentile(99) - 20_000 * log(100.0)) / (20_000 * log(100.0)) < 0.05)
        for percent in [50.0, 99.0, 99.99] {
            let truth = exact(values, percent)
            #expect(abs(histogram.percentile(percent) - truth) / truth < 0.005)
        }
    }

    @Test func smallValuesAreExact() {
        var histogram = LatencyHistogram()
        for value in UInt64(0)..<256 { histogram.record(microseconds: value) }
        #expect(histogram.percentile(50) == 127)
        #expect(histogram.percentile(100) == 255)
        #expect(histogram.percentile(0) == 0)
    }

    @Test func bucketsRoundTrip() {
        for value: UInt64 in [256, 257, 511, 512, 1_000, 65_535, 1 << 40, UInt64.max >> 2] {
            let (low, width) = LatencyHistogram.bounds(of: LatencyHistogram.index(of: value))
            #expect(low <= value && value < low + width)
            #expect(Double(width) / Double(low) <= 1.0 / 128)
        }
    }

    @Test func mergeEqualsRecordingEverything() {
        var left = LatencyHistogram()
        var right = LatencyHistogram()
        var both = LatencyHistogram()
        for value in stride(from: UInt64(100), to: 100_000, by: 37) {
            if value % 2 == 0 { left.record(microseconds: value) } else { right.record(microseconds: value) }
            both.record(microseconds: value)
        }
        left.merge(right)
        #expect(left == both)
    }

    @Test func emptyHistogramReportsZero() {
        let histogram = LatencyHistogram()
        #expect(histogram.percentile(99) == 0)
        #expect(LatencySummary(histogram).p50 == 0)
    }

    @Test func summaryIsInMilliseconds() {
        let summary = LatencySummary(seconds: [0.010, 0.020, 0.030, 0.040])
        // Within a bucket's half width (1/256), exact at the recorded extremes and for the mean.
        #expect(abs(summary.p50 - 20) < 20.0 / 256)
        #expect(summary.p99 == 40)
        #expect(summary.min == 10)
        #expect(summary.mean == 25)
    }
}
