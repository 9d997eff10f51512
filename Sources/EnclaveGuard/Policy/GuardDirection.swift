// Enclave guardrails: which side of the model a check runs on.

/// Which side of the model a rule applies to: the texts sent to it, or the answer it streams back.
public enum GuardDirection: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The request's texts, before the prompt is rendered.
    case input
    /// The model's answer, on the token stream.
    case output

    public var description: String { rawValue }
}
