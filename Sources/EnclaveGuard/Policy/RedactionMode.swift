// Enclave guardrails: what a redacted value becomes.

/// How the ``GuardAction/redact`` action replaces a value.
///
/// Both modes show the model the same placeholders (`[EMAIL_1]`, `[CARD_2]`); they differ in what the
/// request keeps:
/// - ``mask``: the value is gone. The request's ``PseudonymVault`` keeps only a salted hash of each value
///   (so that the same value gets the same placeholder in every turn), and the answer shows the placeholder.
/// - ``pseudonymise``: the vault keeps the values for the life of the request, and the placeholders the
///   model writes in its answer are replaced by the user's original values on the way out. The model never
///   sees the data; the user loses nothing.
public enum RedactionMode: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Placeholders only; the values are forgotten.
    case mask
    /// Placeholders for the model; the values are restored in the answer.
    case pseudonymise

    public var description: String { rawValue }
}
