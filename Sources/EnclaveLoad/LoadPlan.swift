// Enclave load: how one level of a load test runs: its groups, arrivals, limits and warm-up.

/// One measured level: closed-loop groups (each keeps its concurrency in flight) or, with `rate`, open-loop
/// Poisson arrivals of the first group's requests. It ends after `duration` seconds or `requests` measured
/// requests, whichever comes first; at least one of the two is set.
public struct LoadPlan: Sendable {
    /// The groups of load; the fairness scenario has two.
    public var workloads: [Workload]
    /// Open loop: arrivals per second of the first workload (its concurrency is then ignored).
    public var rate: Double?
    /// The level's measured length in seconds; requests still in flight then are cancelled and reported.
    public var duration: Double?
    /// How many requests to measure.
    public var requests: Int?
    /// Requests sent first, at the same load, and not counted.
    public var warmupRequests: Int
    /// The most requests in flight in the open loop; an arrival beyond it fails as `generator_limit`.
    public var maximumInFlight: Int
    /// The seed of prompts, lengths and arrivals.
    public var seed: UInt64

    /// A plan; see each property.
    public init(
        workloads: [Workload],
        rate: Double? = nil,
        duration: Double? = nil,
        requests: Int? = nil,
        warmupRequests: Int = 0,
        maximumInFlight: Int = 1024,
        seed: UInt64 = 42
    ) {
        self.workloads = workloads
        self.rate = rate
        self.duration = duration
        self.requests = requests
        self.warmupRequests = warmupRequests
        self.maximumInFlight = maximumInFlight
        self.seed = seed
    }

    /// How many requests can be in flight at once.
    public var peakConcurrency: Int {
        rate == nil ? workloads.reduce(0) { $0 + $1.concurrency } : maximumInFlight
    }
}

/// What a level measured: every request, and the histograms of each group.
public struct LoadResult: Sendable {
    /// Every measured request (warm-up excluded), in completion order.
    public var records: [RequestRecord]
    /// Inter-token gaps of each group's successful requests.
    public var interTokenGaps: [String: LatencyHistogram]
    /// Seconds from the first measured request to the last one's end (or the deadline).
    public var elapsed: Double

    /// A result of these parts.
    public init(records: [RequestRecord], interTokenGaps: [String: LatencyHistogram], elapsed: Double) {
        self.records = records
        self.interTokenGaps = interTokenGaps
        self.elapsed = elapsed
    }
}

/// A snapshot for the live progress line.
public struct LoadProgress: Sendable {
    /// Seconds since the level began.
    public var elapsed: Double
    /// Requests finished (any outcome).
    public var finished: Int
    /// Requests that failed.
    public var failed: Int
    /// Requests in flight.
    public var inFlight: Int
    /// Completion tokens of finished requests.
    public var completionTokens: Int
    /// Whether the warm-up is still running.
    public var warmingUp: Bool
}
