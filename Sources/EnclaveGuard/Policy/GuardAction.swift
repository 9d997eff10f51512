// Enclave guardrails: what a policy does with a finding.

/// What a policy does when a detector fires, from the mildest to the strictest.
///
/// - ``allow``: nothing; the detector is not even run for that direction.
/// - ``flag``: the text is left as it is; the finding is counted in the audit log and the metrics.
/// - ``redact``: the matched span is replaced by a placeholder such as `[EMAIL_1]` (see ``RedactionMode``).
/// - ``block``: the request (input) or the answer (output) ends with a ``GuardViolation``.
public enum GuardAction: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// Let the text through unchecked.
    case allow
    /// Let the text through and record the finding.
    case flag
    /// Replace the matched span with a placeholder.
    case redact
    /// Refuse the request or end the answer with a policy error.
    case block

    private var severity: Int {
        switch self {
        case .allow: 0
        case .flag: 1
        case .redact: 2
        case .block: 3
        }
    }

    public static func < (lhs: GuardAction, rhs: GuardAction) -> Bool { lhs.severity < rhs.severity }

    public var description: String { rawValue }
}
