// Enclave testing: a usage store in memory.

public import EnclaveCore

/// A ``UsageStore`` kept in memory, with the same behaviour as the SQLite store (the contract suite runs
/// against both): one row per (day, user, team, model, key), added to by each record.
public actor InMemoryUsageStore: UsageStore {
    private struct RowKey: Hashable {
        var day: UsageDay
        var userID: String
        var teamID: String?
        var model: String
        var keyID: String?
    }

    private var rows: [RowKey: UsageTotals] = [:]

    /// Creates an empty store.
    public init() {}

    /// How many aggregated rows the store holds.
    public var rowCount: Int { rows.count }

    public func record(_ record: UsageRecord) throws {
        try record.validate()
        let key = RowKey(day: record.day, userID: record.userID, teamID: record.teamID, model: record.model, keyID: record.keyID)
        rows[key, default: .zero] += UsageTotals(
            requests: record.requests,
            promptTokens: record.promptTokens,
            completionTokens: record.completionTokens
        )
    }

    public func totals(for subject: LimitSubject, from start: UsageDay, through end: UsageDay?) -> UsageTotals {
        rows.reduce(into: UsageTotals.zero) { total, entry in
            guard entry.key.day >= start, end.map({ entry.key.day <= $0 }) ?? true else { return }
            let id: String? =
                switch subject.kind {
                case .key: entry.key.keyID
                case .team: entry.key.teamID
                default: entry.key.userID
                }
            if id == subject.id { total += entry.value }
        }
    }

    public func usage(from start: UsageDay, through end: UsageDay, by grouping: UsageGrouping) -> [UsageRow] {
        var grouped: [UsageDay: [String?: UsageTotals]] = [:]
        for (key, totals) in rows where key.day >= start && key.day <= end {
            let group: String? =
                switch grouping {
                case .user: key.userID
                case .team: key.teamID
                case .model: key.model
                case .key: key.keyID
                }
            grouped[key.day, default: [:]][group, default: .zero] += totals
        }
        return grouped.keys.sorted().flatMap { day in
            grouped[day, default: [:]].sorted { Self.groupOrder($0.key, $1.key) }.map { UsageRow(day: day, group: $0.key, totals: $0.value) }
        }
    }

    /// `nil` first, then by id.
    private static func groupOrder(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): false
        case (nil, _): true
        case (_, nil): false
        case (let lhs?, let rhs?): lhs < rhs
        }
    }
}
