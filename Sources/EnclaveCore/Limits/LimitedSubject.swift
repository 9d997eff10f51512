// Enclave: a subject together with the policy that applies to it.

/// A key, user or team with its limits, as a request's admission is checked against it.
///
/// ```swift
/// let subjects = [
///     LimitedSubject(.key("k_1"), policy: LimitPolicy(requestsPerMinute: 60)),
///     LimitedSubject(.user("usr_1"), policy: LimitPolicy(tokensPerDay: 200_000)),
/// ]
/// ```
public struct LimitedSubject: Sendable, Hashable {
    /// The key, user or team.
    public var subject: LimitSubject
    /// Its limits.
    public var policy: LimitPolicy

    /// Creates the pair.
    public init(_ subject: LimitSubject, policy: LimitPolicy) {
        self.subject = subject
        self.policy = policy
    }
}
