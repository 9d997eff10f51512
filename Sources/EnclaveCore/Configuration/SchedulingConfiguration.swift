// Enclave: how the scheduler in front of each backend orders requests (`scheduling:`).

/// The scheduler's settings (`scheduling:`): the policy, whether it takes slots back, and the queue bounds.
///
/// ```yaml
/// scheduling:
///   policy: fair          # or fifo
///   preemption: true
///   queue_per_user: 16
///   queue_length: 64
/// ```
public struct SchedulingConfiguration: Sendable, Hashable {
    /// How waiting requests are ordered.
    public enum Policy: String, Sendable, Hashable, CaseIterable {
        /// Deficit round robin on tokens across teams (by weight), then across users, FIFO per user, with an
        /// interactive and a batch class.
        case fair
        /// One first-in first-out queue, no classes, no preemption (for comparison).
        case fifo
    }

    /// The policy (`scheduling.policy`).
    public var policy: Policy
    /// Whether a user over their share of running slots gives one back to a user under it who waits
    /// (`scheduling.preemption`); only backends that can pause a generation take part. Ignored by `fifo`.
    public var preemption: Bool
    /// How many requests one user may have waiting (`scheduling.queue_per_user`); `nil`:
    /// `limits.queue_length_per_principal`, else the total bound.
    public var queuePerUser: Int?
    /// How many requests may wait in total (`scheduling.queue_length`); `nil`: `limits.queue_length`.
    public var queueLength: Int?

    /// Creates settings: fair, with preemption, the queue bounds of `limits:`.
    public init(policy: Policy = .fair, preemption: Bool = true, queuePerUser: Int? = nil, queueLength: Int? = nil) {
        self.policy = policy
        self.preemption = preemption
        self.queuePerUser = queuePerUser
        self.queueLength = queueLength
    }
}
