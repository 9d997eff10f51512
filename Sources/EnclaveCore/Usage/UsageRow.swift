// Enclave: one line of a usage report.

/// The usage of one group (a user, a team, a model or a key) on one day.
public struct UsageRow: Sendable, Hashable {
    /// The UTC day.
    public var day: UsageDay
    /// The group's id: a user id, a team id, a model id or a key id; `nil` for requests without a team
    /// (or without a key) when grouping by team (or by key).
    public var group: String?
    /// What the group used that day.
    public var totals: UsageTotals

    /// Creates a row.
    public init(day: UsageDay, group: String?, totals: UsageTotals) {
        self.day = day
        self.group = group
        self.totals = totals
    }
}

/// What a usage report groups by, besides the day.
public enum UsageGrouping: String, Sendable, Hashable, CaseIterable {
    /// By user id.
    case user
    /// By team id (requests without a team form the `nil` group).
    case team
    /// By model id.
    case model
    /// By API key id (requests without a key, from a browser session, form the `nil` group).
    case key
}
