// Enclave guardrails: a policy's actions for one entity.

/// What a policy does with one entity on each side of the model.
///
/// ```swift
/// let rule = GuardRule(input: .redact, output: .redact)
/// ```
public struct GuardRule: Sendable, Hashable, Codable {
    /// The action on the request's texts.
    public var input: GuardAction
    /// The action on the model's answer.
    public var output: GuardAction

    /// Creates a rule.
    public init(input: GuardAction, output: GuardAction) {
        self.input = input
        self.output = output
    }

    /// Creates a rule with the same action on both sides.
    public init(both action: GuardAction) {
        self.init(input: action, output: action)
    }

    /// Nothing checked on either side.
    public static let allow = GuardRule(both: .allow)

    /// The action for one direction.
    public func action(for direction: GuardDirection) -> GuardAction {
        switch direction {
        case .input: input
        case .output: output
        }
    }
}
