// Enclave guardrails: one match of a detector.

/// One match of a detector in a text: which entity, where (UTF-8 byte offsets), how sure, and a finer
/// kind (`aws_access_key_id`, `github_token`) where the detector knows one.
///
/// A finding never carries the matched text: slice the scanned text with ``range`` when redacting, and
/// record only ``entity`` and ``kind`` in logs, metrics and the audit log.
public struct GuardFinding: Sendable, Hashable {
    /// What was found.
    public var entity: GuardEntity
    /// The match, as byte offsets into the text's UTF-8 encoding (on character boundaries).
    public var range: Range<Int>
    /// The detector's confidence, from 0 to 1 (for prompt injection, the score a policy's threshold is compared with).
    public var score: Double
    /// A finer name of what matched, such as `aws_access_key_id`; `nil` when the entity says it all.
    public var kind: String?

    /// Creates a finding.
    public init(entity: GuardEntity, range: Range<Int>, score: Double = 1, kind: String? = nil) {
        self.entity = entity
        self.range = range
        self.score = score
        self.kind = kind
    }
}
