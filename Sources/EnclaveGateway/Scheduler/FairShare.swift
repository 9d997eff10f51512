// Enclave gateway: who a request is charged to, in the scheduler's terms.

/// What the fair scheduler needs to know about one request: whose it is (user and team, with the team's
/// weight), its class, and what it costs.
///
/// The cost is the request's prompt tokens plus its `max_tokens`: what it may take from the backend, known
/// before it runs (as the limits reserve it).
///
/// ```swift
/// let share = FairShare(user: "u_alice", team: "t_research", teamName: "research", teamWeight: 2, cost: 300)
/// ```
public struct FairShare: Sendable, Hashable {
    /// The team of users who belong to no team; its weight is 1.
    public static let defaultTeam = "default"

    /// The user's id (a stable id, never a secret).
    public var user: String
    /// The team's id: the user's primary team, or ``defaultTeam``.
    public var team: String
    /// The team's name, the only label of the scheduler's per-team metrics.
    public var teamName: String
    /// The team's scheduling weight (at least 1).
    public var teamWeight: Int
    /// Interactive or batch.
    public var schedulingClass: SchedulingClass
    /// Tokens the request may use: prompt plus `max_tokens` (at least 1).
    public var cost: Int

    /// Creates a share; the weight and the cost are raised to at least 1.
    public init(
        user: String,
        team: String = FairShare.defaultTeam,
        teamName: String? = nil,
        teamWeight: Int = 1,
        schedulingClass: SchedulingClass = .interactive,
        cost: Int = 1
    ) {
        self.user = user
        self.team = team
        self.teamName = teamName ?? team
        self.teamWeight = max(1, teamWeight)
        self.schedulingClass = schedulingClass
        self.cost = max(1, cost)
    }
}
