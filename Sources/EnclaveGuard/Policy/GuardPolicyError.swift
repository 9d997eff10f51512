// Enclave guardrails: why a policy cannot be used.

/// A policy that fails ``GuardPolicy/validate()``, or a name no policy has.
public struct GuardPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalid, unknown
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A field of the policy has a value that is not allowed.
        public static let invalid = Code(.invalid)
        /// No policy has the name.
        public static let unknown = Code(.unknown)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// The policy's name.
    public let policy: String
    /// The field at fault (`name`, `rules.PROMPT_INJECTION.output`, `injectionThreshold`, ...), if one is.
    public let field: String?
    /// A human-readable explanation.
    public let message: String

    private init(_ code: Code, policy: String, field: String?, _ message: String) {
        self.code = code
        self.policy = policy
        self.field = field
        self.message = message
    }

    /// The policy's `field` is not allowed, with the reason.
    public static func invalid(policy: String, field: String, _ reason: String) -> GuardPolicyError {
        GuardPolicyError(.invalid, policy: policy, field: field, "guardrail policy '\(policy)': invalid \(field): \(reason)")
    }

    /// No policy is called `name`; `known` lists those that exist.
    public static func unknown(_ name: String, known: [String]) -> GuardPolicyError {
        GuardPolicyError(.unknown, policy: name, field: nil, "no guardrail policy is called '\(name)' (known: \(known.joined(separator: ", ")))")
    }

    public var description: String { message }
}
