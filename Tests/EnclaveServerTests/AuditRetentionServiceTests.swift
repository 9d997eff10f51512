// Enclave server tests: the audit retention period.

import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import Logging
import Testing

@Suite struct AuditRetentionServiceTests {
    @Test func purgesPastTheRetentionPeriodAndTheRestVerifiesFromTheCheckpoint() async throws {
        let wallClock = ManualWallClock(Date(timeIntervalSince1970: 1_700_000_000))
        let clock = ManualClock()
        let log = InMemoryAuditLog()
        let key = AuditSigningKey()
        for _ in 0..<3 {
            _ = try await log.append(AuditEntry(time: wallClock.now(), action: .request))
            wallClock.advance(by: 86_400)
        }
        // Records from days 0, 1 and 2; now is day 3, and records are kept 2 days.
        let service = AuditRetentionService(
            log: log,
            retentionDays: 2,
            signingKey: { key },
            configuration: .init(interval: .seconds(3600)),
            wallClock: wallClock,
            clock: clock,
            logger: Logger(label: "test")
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            await clock.waitForSleepers(1)
            // Day 0 is gone (older than 2 days); day 1 is exactly 2 days old and stays until the next purge.
            let checkpoint = try #require(await log.checkpoint())
            #expect(checkpoint.sequence == 1 && checkpoint.isSigned(by: key.publicKey))
            #expect(await log.all.map(\.sequence) == [2, 3, 4])
            #expect(await log.all.last?.action == .auditPurge)

            wallClock.advance(by: 3600)
            clock.advance(by: .seconds(3600))
            await clock.waitForSleepers(1)
            #expect(try await log.checkpoint()?.sequence == 2)
            #expect(
                try await log.verify(publicKey: key.publicKey)
                    == .intact(count: 3, head: try #require(await log.all.last).hash, checkpoint: try await log.checkpoint())
            )
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    @Test func aLogWithNothingOldIsLeftAlone() async throws {
        let wallClock = ManualWallClock()
        let log = InMemoryAuditLog()
        _ = try await log.append(AuditEntry(time: wallClock.now(), action: .login))
        let service = AuditRetentionService(
            log: log,
            retentionDays: 30,
            signingKey: { throw AuditLogError.unavailable("no key needed") },
            wallClock: wallClock,
            clock: ManualClock(),
            logger: Logger(label: "test")
        )
        #expect(try await service.purge() == nil)
        #expect(await log.all.count == 1)
        #expect(await log.checkpoint() == nil)
    }
}
