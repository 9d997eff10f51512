// Enclave: where usage is counted.

/// Tokens and requests by day, user, team, model and key: the source of `/admin/v1/usage`, `/v1/me`,
/// `enclave usage` and of the day and month budgets after a restart. Implementations:
/// `SQLiteUsageStore` (EnclaveStorage) and `InMemoryUsageStore` (EnclaveTesting); both pass the same
/// contract test suite.
///
/// Records are added up per (day, user, team, model, key): the store keeps one row per combination, so it
/// grows with the number of active users and models per day, not with the number of requests.
///
/// ```swift
/// try await store.record(record)
/// let month = try await store.totals(for: .user("usr_1"), from: today.firstOfMonth, through: today)
/// let report = try await store.usage(from: start, through: today, by: .team)
/// ```
public protocol UsageStore: Sendable {
    /// Adds one finished request's usage to its day's totals.
    /// - Throws: ``UsageStoreError`` `invalidRecord` for negative counts or empty ids, `unavailable` if the
    ///   store cannot be written.
    func record(_ record: UsageRecord) async throws

    /// What a key, user or team used from `start` through `end` (both included; `nil`: no end).
    func totals(for subject: LimitSubject, from start: UsageDay, through end: UsageDay?) async throws -> UsageTotals

    /// Usage from `start` through `end` (both included), one row per day and group, ordered by day and
    /// then by group (the `nil` group first). Groups with no usage on a day have no row.
    func usage(from start: UsageDay, through end: UsageDay, by grouping: UsageGrouping) async throws -> [UsageRow]
}

extension UsageStore {
    /// What a key, user or team used from `start` on.
    public func totals(for subject: LimitSubject, since start: UsageDay) async throws -> UsageTotals {
        try await totals(for: subject, from: start, through: nil)
    }
}
