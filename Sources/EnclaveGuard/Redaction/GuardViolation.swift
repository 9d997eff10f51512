// Enclave guardrails: a request or an answer the policy refuses.

/// A request refused, or an answer ended, by a ``GuardAction/block`` rule.
///
/// The ``message`` names the policy, the detector and the side; it never contains the matched text, so it
/// can be returned to the client (OpenAI's 400 `content_policy_violation`), logged and audited as it is.
public struct GuardViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of violation this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case blocked, injection, systemPromptLeak, unterminatedBlock
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A detector found an entity the policy blocks.
        public static let blocked = Code(.blocked)
        /// The prompt-injection score reached the policy's threshold.
        public static let injection = Code(.injection)
        /// The answer repeats the request's canary, that is the system prompt.
        public static let systemPromptLeak = Code(.systemPromptLeak)
        /// The answer opened a private key block longer than the stream filter may hold.
        public static let unterminatedBlock = Code(.unterminatedBlock)
        public var description: String { base.rawValue }
    }

    /// The kind of violation.
    public let code: Code
    /// The entity that was found.
    public let entity: GuardEntity
    /// The detector's finer name, if it gave one.
    public let kind: String?
    /// The side of the model it was found on.
    public let direction: GuardDirection
    /// The policy that blocks it.
    public let policy: String
    /// A human-readable explanation, free of the matched text.
    public let message: String

    /// The detector's name as the client sees it: the finer kind if there is one, else the entity.
    public var detector: String { kind ?? entity.rawValue }

    private init(_ code: Code, entity: GuardEntity, kind: String?, direction: GuardDirection, policy: String, _ message: String) {
        self.code = code
        self.entity = entity
        self.kind = kind
        self.direction = direction
        self.policy = policy
        self.message = message
    }

    private static func side(_ direction: GuardDirection) -> String {
        direction == .input ? "the request" : "the answer"
    }

    /// The policy blocks `entity` (found by the `kind` detector) in `direction`.
    public static func blocked(_ entity: GuardEntity, kind: String?, direction: GuardDirection, policy: String) -> GuardViolation {
        let detector = kind.map { "\(entity) (\($0))" } ?? entity.rawValue
        return GuardViolation(
            .blocked,
            entity: entity,
            kind: kind,
            direction: direction,
            policy: policy,
            "guardrail policy '\(policy)' blocks \(side(direction)): the \(detector) detector found a match"
        )
    }

    /// The prompt-injection detector scored `score`, at or above the policy's `threshold`.
    public static func injection(score: Double, threshold: Double, kind: String?, policy: String) -> GuardViolation {
        let shown = (score * 100).rounded() / 100
        return GuardViolation(
            .injection,
            entity: .promptInjection,
            kind: kind,
            direction: .input,
            policy: policy,
            "guardrail policy '\(policy)' blocks the request: the \(GuardEntity.promptInjection) detector scored \(shown) (threshold \(threshold))"
        )
    }

    /// The answer repeats the request's canary.
    public static func systemPromptLeak(policy: String) -> GuardViolation {
        GuardViolation(
            .systemPromptLeak,
            entity: .systemPromptLeak,
            kind: nil,
            direction: .output,
            policy: policy,
            "guardrail policy '\(policy)' ended the answer: it repeats the system prompt (\(GuardEntity.systemPromptLeak))"
        )
    }

    /// The answer opened a private key block and did not close it within `limit` bytes.
    public static func unterminatedBlock(limit: Int, policy: String) -> GuardViolation {
        GuardViolation(
            .unterminatedBlock,
            entity: .secret,
            kind: "private_key",
            direction: .output,
            policy: policy,
            "guardrail policy '\(policy)' ended the answer: a private key block ran past \(limit) bytes without its END line"
        )
    }

    public var description: String { message }
}
