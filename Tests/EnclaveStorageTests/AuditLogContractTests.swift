// Enclave storage tests: the contract every AuditLog keeps, run against each implementation.

import EnclaveCore
import EnclaveStorage
import EnclaveTesting
import Foundation
import GRDB
import Testing

/// The audit logs under test; each test gets a fresh one.
enum AuditLogKind: String, CaseIterable, CustomTestStringConvertible {
    case memory, sqlite

    var testDescription: String { rawValue }

    func make() throws -> any AuditLog {
        switch self {
        case .memory: InMemoryAuditLog()
        case .sqlite: SQLiteAuditLog(database: try SQLiteDatabase(dataDirectory: TemporaryDirectory.make().path))
        }
    }
}

@Suite struct AuditLogContractTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    static func entry(
        _ action: AuditAction = .request,
        user: String? = "usr_1",
        target: String? = "/v1/chat/completions",
        minutes: Double = 0
    ) -> AuditEntry {
        AuditEntry(
            time: start.addingTimeInterval(minutes * 60),
            action: action,
            actor: AuditActor(userID: user, keyID: "key_1", clientAddress: "10.0.0.7"),
            target: target,
            status: 200,
            model: "m1",
            promptTokens: 12,
            completionTokens: 3,
            latencyMilliseconds: 40,
            requestID: "req-1",
            after: action == .request ? nil : .object(["name": .string("alice"), "scopes": .strings(["inference"]), "weight": .integer(2)])
        )
    }

    @Test(arguments: AuditLogKind.allCases)
    func appendsChainAndReadBackExactly(kind: AuditLogKind) async throws {
        let log = try kind.make()
        let first = try await log.append(Self.entry())
        let second = try await log.append(Self.entry(.userCreate, target: "usr_2", minutes: 1))
        #expect(first.sequence == 1 && first.previousHash == .zero)
        #expect(second.sequence == 2 && second.previousHash == first.hash)
        #expect(second.hash == second.computedHash)
        #expect(try await log.records(from: 0, limit: 10) == [first, second])
        #expect(try await log.records(from: 2, limit: 10) == [second])
        #expect(try await log.records(from: 1, limit: 1) == [first])
        guard case .intact(let count, let head, nil) = try await log.verify(publicKey: nil) else {
            Issue.record("an appended log does not verify")
            return
        }
        #expect(count == 2 && head == second.hash)
    }

    @Test(arguments: AuditLogKind.allCases)
    func invalidEntriesAreRefused(kind: AuditLogKind) async throws {
        let log = try kind.make()
        await #expect(throws: AuditLogError.self) { try await log.append(AuditEntry(time: Self.start, action: AuditAction(rawValue: ""))) }
        await #expect(throws: AuditLogError.self) { try await log.append(AuditEntry(time: Self.start, action: .request, completionTokens: -2)) }
        #expect(try await log.records(from: 0, limit: 10).isEmpty)
    }

    @Test(arguments: AuditLogKind.allCases)
    func concurrentAppendsNeverForkTheChain(kind: AuditLogKind) async throws {
        let log = try kind.make()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask { _ = try await log.append(Self.entry(user: "usr_\(index % 4)")) }
            }
            try await group.waitForAll()
        }
        let records = try await log.records(from: 0, limit: 100)
        #expect(records.map(\.sequence) == Array(1...40))
        #expect(AuditChain.verify(records) == nil)
    }

    @Test(arguments: AuditLogKind.allCases)
    func pagesFilterNewestFirstWithACursor(kind: AuditLogKind) async throws {
        let log = try kind.make()
        for minute in 0..<5 { _ = try await log.append(Self.entry(user: "usr_1", minutes: Double(minute))) }
        _ = try await log.append(Self.entry(.keyCreate, user: "usr_admin", target: "usr_1", minutes: 5))
        _ = try await log.append(Self.entry(.teamCreate, user: "usr_admin", target: "team_x", minutes: 6))

        let first = try await log.page(AuditQuery(limit: 3))
        #expect(first.records.map(\.sequence) == [7, 6, 5])
        #expect(first.nextCursor == 5)
        let second = try await log.page(AuditQuery(limit: 3, before: first.nextCursor))
        #expect(second.records.map(\.sequence) == [4, 3, 2])
        let last = try await log.page(AuditQuery(limit: 3, before: second.nextCursor))
        #expect(last.records.map(\.sequence) == [1])
        #expect(last.nextCursor == nil)

        #expect(try await log.page(AuditQuery(action: .keyCreate)).records.map(\.sequence) == [6])
        // By user: what they did and what was done to them.
        #expect(try await log.page(AuditQuery(userID: "usr_1")).records.map(\.sequence) == [6, 5, 4, 3, 2, 1])
        #expect(try await log.page(AuditQuery(userID: "usr_admin")).records.map(\.sequence) == [7, 6])
        let window = AuditQuery(since: Self.start.addingTimeInterval(60), until: Self.start.addingTimeInterval(180))
        #expect(try await log.page(window).records.map(\.sequence) == [3, 2])
        #expect(try await log.page(AuditQuery(limit: 10)).nextCursor == nil)
    }

    @Test(arguments: AuditLogKind.allCases)
    func purgingLeavesASignedCheckpointTheRestVerifiesFrom(kind: AuditLogKind) async throws {
        let log = try kind.make()
        let key = AuditSigningKey()
        for minute in 0..<6 { _ = try await log.append(Self.entry(minutes: Double(minute))) }
        let records = try await log.records(from: 0, limit: 10)
        #expect(try await log.purge(before: Self.start, signingKey: key, at: Self.start) == nil)

        let checkpoint = try #require(try await log.purge(before: Self.start.addingTimeInterval(150), signingKey: key, at: Self.start))
        #expect(checkpoint.sequence == 3 && checkpoint.hash == records[2].hash)
        #expect(checkpoint.isSigned(by: key.publicKey))
        #expect(try await log.checkpoint() == checkpoint)
        #expect(try await log.records(from: 0, limit: 10).map(\.sequence) == [4, 5, 6])
        guard case .intact(3, _, let kept?) = try await log.verify(publicKey: key.publicKey) else {
            Issue.record("the log does not verify from its checkpoint")
            return
        }
        #expect(kept == checkpoint)
        // The chain goes on from the last record, and a wrong or missing key fails the checkpoint.
        #expect(try await log.append(Self.entry(minutes: 9)).sequence == 7)
        #expect(
            try await log.verify(publicKey: AuditSigningKey().publicKey)
                == .broken(.init(sequence: 3, reason: .badCheckpoint, message: "the checkpoint's signature does not verify"))
        )
        guard case .broken(let problem) = try await log.verify(publicKey: nil) else {
            Issue.record("a checkpoint without a key verifies")
            return
        }
        #expect(problem.reason == .badCheckpoint)
        // Purging everything: the next record follows the checkpoint.
        let all = try #require(try await log.purge(before: Self.start.addingTimeInterval(3600), signingKey: key, at: Self.start))
        #expect(all.sequence == 7)
        #expect(try await log.append(Self.entry()).sequence == 8)
        #expect(
            try await log.verify(publicKey: key.publicKey)
                == .intact(count: 1, head: try await log.records(from: 8, limit: 1)[0].hash, checkpoint: all)
        )
    }
}
