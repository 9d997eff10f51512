// Enclave server: purging audit records older than the retention period.

public import EnclaveCore
import Foundation
public import Logging
public import ServiceLifecycle

/// Purges audit records older than `audit.retention_days`, at start and then every ``Configuration/interval``,
/// leaving a checkpoint signed with the server's audit key so that the remaining records still verify
/// (see ``AuditLog/purge(before:signingKey:at:)``). Each purge is itself audited (`audit.purge`, with the
/// checkpoint's sequence number and hash). Stops on graceful shutdown.
///
/// ```swift
/// let retention = AuditRetentionService(log: stores.audit, retentionDays: 90, signingKey: { key }, logger: logger)
/// ```
public struct AuditRetentionService<C: Clock>: Service where C.Duration == Duration {
    /// How often the service purges.
    public struct Configuration: Sendable {
        /// The time between purges.
        public var interval: Duration

        /// Creates settings: a purge every hour by default.
        public init(interval: Duration = .seconds(3600)) {
            self.interval = interval
        }
    }

    let log: any AuditLog
    let retentionDays: Int
    let signingKey: @Sendable () throws -> AuditSigningKey
    let configuration: Configuration
    let wallClock: any WallClock
    let clock: C
    let logger: Logger

    /// Creates the service.
    /// - Parameters:
    ///   - log: The audit log.
    ///   - retentionDays: How many days records are kept.
    ///   - signingKey: The key that signs checkpoints, asked for at the first purge that deletes something
    ///     (`AuditSigningKey.loadOrCreate(in:)` in `enclave serve`).
    ///   - wallClock: The source of dates (what "older" means).
    ///   - clock: The clock the service sleeps on between purges.
    public init(
        log: any AuditLog,
        retentionDays: Int,
        signingKey: @escaping @Sendable () throws -> AuditSigningKey,
        configuration: Configuration = .init(),
        wallClock: any WallClock = SystemWallClock(),
        clock: C,
        logger: Logger
    ) {
        self.log = log
        self.retentionDays = retentionDays
        self.signingKey = signingKey
        self.configuration = configuration
        self.wallClock = wallClock
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await purge()
                } catch {
                    logger.error("audit purge failed", metadata: ["error": "\(error)"])
                }
                do { try await clock.sleep(for: configuration.interval) } catch { return }
            }
        }
    }

    /// Purges once: deletes the records older than the retention period, writes their checkpoint and
    /// audits the purge.
    /// - Returns: The new checkpoint, or `nil` if nothing was old enough.
    public func purge() async throws -> AuditCheckpoint? {
        let now = wallClock.now()
        let cutoff = now.addingTimeInterval(-Double(retentionDays) * 86_400)
        let cheapCheck = try await log.records(from: 0, limit: 1).first
        guard let oldest = cheapCheck, oldest.time < cutoff else { return nil }
        guard let checkpoint = try await log.purge(before: cutoff, signingKey: try signingKey(), at: now) else { return nil }
        try await log.record(
            AuditEntry(
                time: now,
                action: .auditPurge,
                actor: .commandLine,
                target: "audit",
                after: .object([
                    "checkpoint_sequence": .integer(checkpoint.sequence),
                    "checkpoint_hash": .string(checkpoint.hash.hex),
                    "retention_days": .integer(Int64(retentionDays)),
                ])
            )
        )
        logger.info("audit records purged", metadata: ["audit.through": "\(checkpoint.sequence)", "audit.retention_days": "\(retentionDays)"])
        return checkpoint
    }
}

extension AuditRetentionService where C == ContinuousClock {
    /// Creates the service on the continuous clock.
    public init(
        log: any AuditLog,
        retentionDays: Int,
        signingKey: @escaping @Sendable () throws -> AuditSigningKey,
        configuration: Configuration = .init(),
        logger: Logger
    ) {
        self.init(
            log: log,
            retentionDays: retentionDays,
            signingKey: signingKey,
            configuration: configuration,
            clock: ContinuousClock(),
            logger: logger
        )
    }
}
