// Enclave load: what one request of a load test measured.

/// Why a request did not succeed; the name is what reports group errors by.
public struct FailureKind: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A short stable name such as `connection`, `http_500` or `stalled`.
    public let name: String

    /// A kind with this name.
    public init(_ name: String) {
        self.name = name
    }

    /// The server could not be reached (refused, reset before an answer, DNS).
    public static let connection = FailureKind("connection")
    /// No byte arrived for the stall timeout.
    public static let stalled = FailureKind("stalled")
    /// The request took longer than its overall timeout.
    public static let timeout = FailureKind("timeout")
    /// The connection closed before the answer was complete.
    public static let truncated = FailureKind("truncated")
    /// The server sent an error event inside the stream.
    public static let streamError = FailureKind("stream_error")
    /// The answer was not what the protocol says (bad JSON, no choices).
    public static let malformed = FailureKind("malformed")
    /// The run's deadline arrived while the request was in flight; it is reported but is no error.
    public static let cancelledAtDeadline = FailureKind("cancelled_at_deadline")

    /// The kind for an HTTP status outside 2xx.
    public static func status(_ code: Int) -> FailureKind { FailureKind("http_\(code)") }

    /// The name.
    public var description: String { name }

    /// Ordered by name.
    public static func < (lhs: FailureKind, rhs: FailureKind) -> Bool { lhs.name < rhs.name }
}

/// One request's measurements. Times are seconds; `start` counts from the beginning of its run.
public struct RequestRecord: Sendable, Equatable {
    /// Which group of load sent it (`main`, or `heavy`/`light` in the fairness scenario).
    public var group: String
    /// Its number within the run.
    public var index: Int
    /// When it was sent, in seconds after the run began.
    public var start: Double
    /// The HTTP status (0 when no answer arrived).
    public var status: Int
    /// Why it failed; `nil` for success.
    public var failure: FailureKind?
    /// A short description of the failure for the report (never prompt or answer text).
    public var failureDetail: String?
    /// From sending to the first token of the answer (`nil` if none arrived).
    public var timeToFirstToken: Double?
    /// The mean gap between successive tokens (`nil` for fewer than two).
    public var meanInterTokenLatency: Double?
    /// The longest gap between successive tokens.
    public var maximumInterTokenLatency: Double?
    /// From sending to the end of the answer (or the failure).
    public var endToEnd: Double
    /// Prompt tokens, from the server's usage (`nil` when it sent none).
    public var promptTokens: Int?
    /// Completion tokens, from usage or else counted as content events.
    public var completionTokens: Int
    /// Whether `completionTokens` came from the server's usage.
    public var usageReported: Bool
    /// The number of `max_tokens` asked for.
    public var maxTokens: Int

    /// Whether the request succeeded.
    public var succeeded: Bool { failure == nil }

    /// A record with no measurements yet.
    public init(group: String, index: Int, start: Double, maxTokens: Int) {
        self.group = group
        self.index = index
        self.start = start
        self.status = 0
        self.endToEnd = 0
        self.completionTokens = 0
        self.usageReported = false
        self.maxTokens = maxTokens
    }
}
