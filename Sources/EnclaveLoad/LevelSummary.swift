// Enclave load: the figures of one measured level: throughput, goodput, latency percentiles and errors.

/// Everything a report says about one level (one concurrency of a sweep, one rate, one group of a scenario).
///
/// `requests` counts requests that finished within the run (successes and errors); requests cancelled at the
/// deadline are counted apart in `cancelled_at_deadline` and are no error. Rates divide by the measured time.
public struct LevelSummary: Sendable, Codable, Equatable {
    /// The load: `concurrency 4`, `rate 2/s`, or a group name.
    public var label: String
    /// The closed-loop concurrency (`nil` in the open loop).
    public var concurrency: Int?
    /// The open-loop arrival rate per second.
    public var rate: Double?
    /// Requests that finished (success or error).
    public var requests: Int
    /// Requests that succeeded.
    public var succeeded: Int
    /// Requests that failed.
    public var errors: Int
    /// Failures by kind.
    public var errorsByKind: [String: Int]
    /// Requests still in flight at the deadline, cancelled.
    public var cancelledAtDeadline: Int
    /// Measured seconds.
    public var durationS: Double
    /// Successful requests per second.
    public var requestsPerS: Double
    /// Completion tokens of successful requests per second.
    public var outputTokS: Double
    /// Prompt tokens of successful requests per second (where the server reported usage).
    public var inputTokS: Double
    /// Requests per second that met the SLO (`nil` without one).
    public var goodputReqS: Double?
    /// The share of finished requests that met the SLO.
    public var goodFraction: Double?
    /// The SLO, as given.
    public var slo: String?
    /// Time to first token.
    public var ttftMs: LatencySummary
    /// Gaps between tokens, over every token of every successful request.
    public var itlMs: LatencySummary
    /// Whole requests.
    public var e2eMs: LatencySummary
    /// Completion tokens per successful request.
    public var completionTokensMean: Double
    /// Whether every successful request's completion tokens came from the server's usage.
    public var usageReported: Bool

    enum CodingKeys: String, CodingKey {
        case label, concurrency, rate, requests, succeeded, errors, slo
        case errorsByKind = "errors_by_kind"
        case cancelledAtDeadline = "cancelled_at_deadline"
        case durationS = "duration_s"
        case requestsPerS = "requests_per_s"
        case outputTokS = "output_tok_s"
        case inputTokS = "input_tok_s"
        case goodputReqS = "goodput_req_s"
        case goodFraction = "good_fraction"
        case ttftMs = "ttft_ms"
        case itlMs = "itl_ms"
        case e2eMs = "e2e_ms"
        case completionTokensMean = "completion_tokens_mean"
        case usageReported = "usage_reported"
    }

    /// The summary of `records` measured over `elapsed` seconds, with `gaps` their inter-token gaps.
    public init(
        label: String,
        concurrency: Int?,
        rate: Double?,
        records: [RequestRecord],
        gaps: LatencyHistogram,
        elapsed: Double,
        slo: ServiceLevelObjective?
    ) {
        self.label = label
        self.concurrency = concurrency
        self.rate = rate
        let finished = records.filter { $0.failure != .cancelledAtDeadline }
        let good = finished.filter(\.succeeded)
        requests = finished.count
        succeeded = good.count
        errors = finished.count - good.count
        var kinds: [String: Int] = [:]
        for record in finished { if let failure = record.failure { kinds[failure.name, default: 0] += 1 } }
        errorsByKind = kinds
        cancelledAtDeadline = records.count - finished.count
        durationS = (elapsed * 1000).rounded() / 1000
        let time = max(elapsed, 1e-9)
        requestsPerS = Self.round(Double(good.count) / time)
        outputTokS = Self.round(Double(good.reduce(0) { $0 + $1.completionTokens }) / time)
        inputTokS = Self.round(Double(good.reduce(0) { $0 + ($1.promptTokens ?? 0) }) / time)
        if let slo {
            let met = finished.filter { slo.isMet(by: $0) }.count
            goodputReqS = Self.round(Double(met) / time)
            goodFraction = finished.isEmpty ? 0 : Self.round(Double(met) / Double(finished.count))
            self.slo = slo.description
        }
        ttftMs = LatencySummary(seconds: good.compactMap(\.timeToFirstToken))
        itlMs = LatencySummary(gaps)
        e2eMs = LatencySummary(seconds: good.map(\.endToEnd))
        completionTokensMean = good.isEmpty ? 0 : Self.round(Double(good.reduce(0) { $0 + $1.completionTokens }) / Double(good.count))
        usageReported = !good.isEmpty && good.allSatisfy(\.usageReported)
    }

    /// The share of finished requests that failed (0 with none).
    public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }

    private static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
