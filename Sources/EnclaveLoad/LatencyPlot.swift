// Enclave load: the geometry of a latency-over-time scatter plot, shared by the SVG and PNG writers.

/// Every successful request as a dot (time sent, latency), with rolling p50/p90/p99 lines of end-to-end
/// latency; coordinates are in pixels of a `width` x `height` picture.
public struct LatencyPlot: Sendable {
    /// A dot's series.
    public enum Series: Sendable { case endToEnd, firstToken }

    /// One dot, in pixels.
    public struct Dot: Sendable {
        /// Horizontal pixel.
        public var x: Double
        /// Vertical pixel.
        public var y: Double
        /// Which measure.
        public var series: Series
    }

    /// A percentile line: its label and its points, in pixels.
    public struct Line: Sendable {
        /// `p50`, `p90` or `p99`.
        public var label: String
        /// The points, left to right.
        public var points: [(x: Double, y: Double)]
        /// An RGB colour.
        public var color: (UInt8, UInt8, UInt8)
    }

    /// Picture size and plot margins.
    public let width = 960
    /// Picture height.
    public let height = 480
    let left = 70.0
    let right = 20.0
    let top = 36.0
    let bottom = 46.0

    /// The title.
    public var title: String
    /// The dots.
    public private(set) var dots: [Dot] = []
    /// The percentile lines.
    public private(set) var lines: [Line] = []
    /// Tick marks on the time axis: pixel and label.
    public private(set) var timeTicks: [(x: Double, label: String)] = []
    /// Tick marks on the latency axis: pixel and label.
    public private(set) var latencyTicks: [(y: Double, label: String)] = []
    /// The plot area's corners.
    public var area: (x0: Double, y0: Double, x1: Double, y1: Double) { (left, top, Double(width) - right, Double(height) - bottom) }

    /// The plot of `records`' successful requests.
    public init(title: String, records: [RequestRecord]) {
        self.title = title
        let good = records.filter(\.succeeded)
        let lastTime = max(1, good.map { $0.start + $0.endToEnd }.max() ?? 1)
        let highest = max(1, good.map { $0.endToEnd * 1000 }.max() ?? 1)
        let timeStep = Self.niceStep(lastTime / 6)
        let latencyStep = Self.niceStep(highest / 5)
        let timeMax = (lastTime / timeStep).rounded(.up) * timeStep
        let latencyMax = (highest / latencyStep).rounded(.up) * latencyStep
        let (x0, y0, x1, y1) = area
        func x(_ seconds: Double) -> Double { x0 + (x1 - x0) * seconds / timeMax }
        func y(_ milliseconds: Double) -> Double { y1 - (y1 - y0) * milliseconds / latencyMax }
        for record in good {
            dots.append(Dot(x: x(record.start), y: y(record.endToEnd * 1000), series: .endToEnd))
            if let first = record.timeToFirstToken, record.timeToFirstToken != record.endToEnd {
                dots.append(Dot(x: x(record.start), y: y(first * 1000), series: .firstToken))
            }
        }
        let windows = min(40, max(1, good.count / 10))
        let span = timeMax / Double(windows)
        for (label, percent, color) in [("p50", 50.0, (0x1b, 0x9e, 0x77)), ("p90", 90.0, (0xd9, 0x5f, 0x02)), ("p99", 99.0, (0xe7, 0x29, 0x8a))]
            as [(String, Double, (UInt8, UInt8, UInt8))]
        {
            var points: [(x: Double, y: Double)] = []
            for window in 0..<windows {
                let inside = good.filter { $0.start >= Double(window) * span && $0.start < Double(window + 1) * span }
                guard !inside.isEmpty else { continue }
                var histogram = LatencyHistogram()
                for record in inside { histogram.record(seconds: record.endToEnd) }
                points.append((x(Double(window) * span + span / 2), y(histogram.percentile(percent) / 1000)))
            }
            lines.append(Line(label: label, points: points, color: color))
        }
        timeTicks = stride(from: 0, through: timeMax + timeStep / 2, by: timeStep).map { (x($0), Self.label($0) + "s") }
        latencyTicks = stride(from: 0, through: latencyMax + latencyStep / 2, by: latencyStep).map { (y($0), Self.label($0) + "ms") }
    }

    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        for factor in [1.0, 2.0, 5.0, 10.0] where magnitude * factor >= raw { return magnitude * factor }
        return magnitude * 10
    }

    static func label(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))" : "\((value * 100).rounded() / 100)"
    }
}
