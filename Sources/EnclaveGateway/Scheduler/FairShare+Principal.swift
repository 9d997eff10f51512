// Enclave gateway: a request's share from its principal.

public import EnclaveCore

extension FairShare {
    /// The share of a principal's prepared request: the user, their primary team (or the default team of
    /// weight 1), the class, and the prompt tokens plus `max_tokens` as the cost.
    ///
    /// ```swift
    /// let share = FairShare(principal: principal, prepared: prepared, schedulingClass: .batch)
    /// ```
    public init(principal: Principal, prepared: PreparedInference, schedulingClass: SchedulingClass = .interactive) {
        let team = principal.primaryTeam
        self.init(
            user: principal.id,
            team: team?.id ?? Self.defaultTeam,
            teamName: team?.name ?? Self.defaultTeam,
            teamWeight: team?.weight ?? 1,
            schedulingClass: schedulingClass,
            cost: (prepared.promptTokenCount ?? 0) + prepared.maxTokens
        )
    }
}
