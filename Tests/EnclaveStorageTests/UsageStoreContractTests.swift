// Enclave storage: the contract every UsageStore keeps, run against each implementation.

import EnclaveCore
import EnclaveStorage
import EnclaveTesting
import Foundation
import GRDB
import Testing

/// The usage stores under test; each test gets a fresh one.
enum UsageStoreKind: String, CaseIterable, CustomTestStringConvertible {
    case memory, sqlite

    var testDescription: String { rawValue }

    func make() throws -> any UsageStore {
        switch self {
        case .memory: InMemoryUsageStore()
        case .sqlite: try SQLiteUsageStore(dataDirectory: TemporaryDirectory.make().path)
        }
    }
}

@Suite struct UsageStoreContractTests {
    /// 2023-11-14 22:13:20 UTC.
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    static let today = UsageDay(start)
    static let yesterday = UsageDay(daysSinceEpoch: today.daysSinceEpoch - 1)

    static func record(
        _ user: String,
        team: String? = "team_a",
        model: String = "m1",
        key: String? = "k_1",
        prompt: Int = 10,
        completion: Int = 5,
        daysAgo: Int = 0
    ) -> UsageRecord {
        UsageRecord(
            date: start.addingTimeInterval(-86_400 * Double(daysAgo)),
            userID: user,
            teamID: team,
            model: model,
            keyID: key,
            promptTokens: prompt,
            completionTokens: completion
        )
    }

    @Test(arguments: UsageStoreKind.allCases)
    func recordsAddUpPerSubject(kind: UsageStoreKind) async throws {
        let store = try kind.make()
        #expect(try await store.totals(for: .user("usr_1"), since: Self.today) == .zero)
        try await store.record(Self.record("usr_1"))
        try await store.record(Self.record("usr_1", model: "m2", prompt: 1, completion: 2))
        try await store.record(Self.record("usr_2", team: "team_b", key: "k_2", prompt: 100, completion: 0))
        try await store.record(Self.record("usr_1", team: nil, key: nil, prompt: 7, completion: 0))
        #expect(try await store.totals(for: .user("usr_1"), since: Self.today) == UsageTotals(requests: 3, promptTokens: 18, completionTokens: 7))
        #expect(try await store.totals(for: .team("team_a"), since: Self.today) == UsageTotals(requests: 2, promptTokens: 11, completionTokens: 7))
        #expect(try await store.totals(for: .team("team_b"), since: Self.today).totalTokens == 100)
        #expect(try await store.totals(for: .key("k_1"), since: Self.today).requests == 2)
        #expect(try await store.totals(for: .team(""), since: Self.today) == .zero)
        #expect(try await store.totals(for: .user("nobody"), since: Self.today) == .zero)
    }

    @Test(arguments: UsageStoreKind.allCases)
    func totalsCoverTheirDaysOnly(kind: UsageStoreKind) async throws {
        let store = try kind.make()
        try await store.record(Self.record("usr_1", prompt: 1, completion: 0, daysAgo: 0))
        try await store.record(Self.record("usr_1", prompt: 10, completion: 0, daysAgo: 1))
        try await store.record(Self.record("usr_1", prompt: 100, completion: 0, daysAgo: 40))
        #expect(try await store.totals(for: .user("usr_1"), since: Self.today).promptTokens == 1)
        #expect(try await store.totals(for: .user("usr_1"), since: Self.yesterday).promptTokens == 11)
        #expect(try await store.totals(for: .user("usr_1"), from: Self.yesterday, through: Self.yesterday).promptTokens == 10)
        #expect(try await store.totals(for: .user("usr_1"), since: Self.today.firstOfMonth).promptTokens == 11)
        #expect(try await store.totals(for: .user("usr_1"), since: UsageDay(daysSinceEpoch: 0)).promptTokens == 111)
    }

    @Test(arguments: UsageStoreKind.allCases)
    func reportsGroupByDayAndUserTeamModelOrKey(kind: UsageStoreKind) async throws {
        let store = try kind.make()
        try await store.record(Self.record("usr_b", team: "team_x", model: "m2", key: "k_b", prompt: 3, completion: 4))
        try await store.record(Self.record("usr_a", team: nil, model: "m1", key: nil, prompt: 1, completion: 1))
        try await store.record(Self.record("usr_a", team: "team_x", model: "m2", key: "k_a", prompt: 2, completion: 2))
        try await store.record(Self.record("usr_a", model: "m1", prompt: 5, completion: 5, daysAgo: 1))
        try await store.record(Self.record("usr_z", prompt: 9, completion: 9, daysAgo: 3))

        let byUser = try await store.usage(from: Self.yesterday, through: Self.today, by: .user)
        #expect(
            byUser == [
                UsageRow(day: Self.yesterday, group: "usr_a", totals: UsageTotals(requests: 1, promptTokens: 5, completionTokens: 5)),
                UsageRow(day: Self.today, group: "usr_a", totals: UsageTotals(requests: 2, promptTokens: 3, completionTokens: 3)),
                UsageRow(day: Self.today, group: "usr_b", totals: UsageTotals(requests: 1, promptTokens: 3, completionTokens: 4)),
            ]
        )
        let byTeam = try await store.usage(from: Self.today, through: Self.today, by: .team)
        #expect(byTeam.map(\.group) == [nil, "team_x"])
        #expect(byTeam.map(\.totals.requests) == [1, 2])
        let byModel = try await store.usage(from: Self.today, through: Self.today, by: .model)
        #expect(byModel.map(\.group) == ["m1", "m2"])
        #expect(byModel.map(\.totals.totalTokens) == [2, 11])
        let byKey = try await store.usage(from: Self.today, through: Self.today, by: .key)
        #expect(byKey.map(\.group) == [nil, "k_a", "k_b"])
        #expect(try await store.usage(from: Self.today.next, through: Self.today.next, by: .user).isEmpty)
    }

    @Test(arguments: UsageStoreKind.allCases)
    func invalidRecordsAreRefused(kind: UsageStoreKind) async throws {
        let store = try kind.make()
        for record in [
            Self.record("usr_1", prompt: -1), Self.record(""), Self.record("usr_1", team: ""), Self.record("usr_1", model: ""),
            Self.record("usr_1", key: ""),
        ] {
            await #expect {
                try await store.record(record)
            } throws: { error in
                (error as? UsageStoreError)?.code == .invalidRecord
            }
        }
        #expect(try await store.usage(from: Self.yesterday, through: Self.today, by: .user).isEmpty)
    }

    @Test func theSQLiteStoreKeepsOneRowPerDayUserTeamModelAndKey() async throws {
        let directory = TemporaryDirectory.make().path
        let store = try SQLiteUsageStore(dataDirectory: directory)
        for _ in 0..<50 {
            try await store.record(Self.record("usr_1"))
            try await store.record(Self.record("usr_1", team: nil, key: nil))
        }
        let queue = try DatabaseQueue(path: DataDirectory.databasePath(in: directory))
        let rows = try await queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM usageDaily") }
        #expect(rows == 2)
        try queue.close()
        #expect(try await store.totals(for: .user("usr_1"), since: Self.today).requests == 100)
    }

    @Test func theSQLiteStoreKeepsUsageAcrossReopeningAndSharesTheKeysDatabase() async throws {
        let directory = TemporaryDirectory.make().path
        let keys = try SQLiteKeyStore(dataDirectory: directory)
        let (key, _) = try APIKey.issue(name: "alice", userID: User.builtInAdminID)
        try await keys.create(key)
        do {
            let store = try SQLiteUsageStore(dataDirectory: directory)
            try await store.record(Self.record("usr_1", prompt: 40, completion: 2))
        }
        let reopened = try SQLiteUsageStore(dataDirectory: directory)
        #expect(try await reopened.totals(for: .user("usr_1"), since: Self.today).totalTokens == 42)
        #expect(try await SQLiteKeyStore(dataDirectory: directory).list().map(\.id) == [key.id])
        let mode = try DataDirectory.mode(of: DataDirectory.databasePath(in: directory))
        #expect(mode == 0o600)
    }

    @Test func anExistingKeysDatabaseGetsTheUsageTable() async throws {
        let directory = TemporaryDirectory.make().path
        try DataDirectory.prepare(directory)
        let path = DataDirectory.databasePath(in: directory)
        _ = try MigrationTests.makeVersion1Database(at: path)
        let store = try SQLiteUsageStore(path: path)
        try await store.record(Self.record("usr_1"))
        let queue = try DatabaseQueue(path: path)
        let applied = try await queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
        try queue.close()
        #expect(applied.first == "001-api-keys")
        #expect(applied.contains("005-usage"))
        #expect(try await SQLiteKeyStore(path: path).list().count == 2)
    }
}
