// Enclave load: the latency objective a request must meet to count towards goodput.

/// Limits on time to first token, mean inter-token latency and end-to-end latency, parsed from
/// `ttft=500ms,itl=50ms,e2e=20s`. A request is *good* when it succeeded and meets every limit given.
public struct ServiceLevelObjective: Sendable, Equatable, CustomStringConvertible {
    /// The longest acceptable time to first token, in seconds.
    public var timeToFirstToken: Double?
    /// The longest acceptable mean gap between tokens of one answer, in seconds.
    public var interTokenLatency: Double?
    /// The longest acceptable whole request, in seconds.
    public var endToEnd: Double?

    /// An objective with these limits (`nil`: no limit).
    public init(timeToFirstToken: Double? = nil, interTokenLatency: Double? = nil, endToEnd: Double? = nil) {
        self.timeToFirstToken = timeToFirstToken
        self.interTokenLatency = interTokenLatency
        self.endToEnd = endToEnd
    }

    /// Parses `ttft=500ms,itl=50ms,e2e=20s` (any subset, any order).
    /// - Throws: `LoadConfigurationError` for an unknown name or a bad duration.
    public init(parsing text: String) throws {
        self.init()
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pieces.count == 2 else { throw LoadConfigurationError("--slo needs NAME=DURATION pairs such as ttft=500ms, got '\(part)'") }
            let seconds = try DurationText.seconds(pieces[1], option: "--slo \(pieces[0])")
            switch pieces[0].lowercased() {
            case "ttft": timeToFirstToken = seconds
            case "itl", "tpot": interTokenLatency = seconds
            case "e2e": endToEnd = seconds
            default: throw LoadConfigurationError("--slo knows ttft, itl and e2e, not '\(pieces[0])'")
            }
        }
        if timeToFirstToken == nil && interTokenLatency == nil && endToEnd == nil {
            throw LoadConfigurationError("--slo names no limit")
        }
    }

    /// Whether `record` succeeded within every limit.
    public func isMet(by record: RequestRecord) -> Bool {
        guard record.succeeded else { return false }
        if let limit = timeToFirstToken, (record.timeToFirstToken ?? .infinity) > limit { return false }
        if let limit = interTokenLatency, let mean = record.meanInterTokenLatency, mean > limit { return false }
        if let limit = endToEnd, record.endToEnd > limit { return false }
        return true
    }

    /// The objective in the form it is parsed from.
    public var description: String {
        var parts: [String] = []
        if let value = timeToFirstToken { parts.append("ttft=\(DurationText.format(value))") }
        if let value = interTokenLatency { parts.append("itl=\(DurationText.format(value))") }
        if let value = endToEnd { parts.append("e2e=\(DurationText.format(value))") }
        return parts.joined(separator: ",")
    }
}
