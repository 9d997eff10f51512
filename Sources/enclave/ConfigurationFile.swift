// Enclave: the configuration file of `enclave serve`: checked whole, then reconciled into the database.

import EnclaveCore
import Foundation
import Logging

/// What `enclave serve` does with its `--config` file: the checks of `enclave config validate` (every problem
/// reported at once), then, once the database is open, the reconciliation of its teams, users and keys.
enum ConfigurationFile {
    /// The configuration in the file.
    /// - Throws: ``CommandFailure`` listing every problem as `FILE:LINE:COLUMN: message`.
    static func load(path: String) throws -> EnclaveConfiguration {
        let problems = ConfigurationValidator.problems(path: path)
        guard problems.isEmpty else {
            throw CommandFailure("the configuration is not valid:\n" + problems.map(\.diagnostic).joined(separator: "\n"))
        }
        return try EnclaveConfiguration.load(path: path)
    }

    /// Makes the database match the file's teams, users and keys, and logs and audits what changed (never a
    /// secret).
    /// - Returns: The changes, each also recorded in the audit log.
    /// - Throws: ``CommandFailure`` naming both sides of a collision, or any problem, before anything changed.
    @discardableResult
    static func reconcile(
        _ identities: DeclaredIdentities,
        path: String,
        stores: EnclaveStores,
        logger: Logger
    ) async throws -> [ConfigurationChange] {
        let file = ConfigurationReconciler.managedByName(forPath: path)
        let reconciler = ConfigurationReconciler(file: file, stores: stores, passwords: stores.passwords)
        let changes: [ConfigurationChange]
        do {
            changes = try await reconciler.reconcile(identities)
        } catch let error as ReconciliationError {
            throw CommandFailure("cannot apply the teams, users and keys of \(file): \(error)")
        }
        var counts: [ConfigurationChange.Action: Int] = [:]
        for change in changes { counts[change.action, default: 0] += 1 }
        logger.info(
            "configuration reconciled",
            metadata: [
                "config.file": "\(file)", "config.teams": "\(identities.teams.count)", "config.users": "\(identities.users.count)",
                "config.keys": "\(identities.keys.count)", "config.created": "\(counts[.created] ?? 0)",
                "config.updated": "\(counts[.updated] ?? 0)", "config.disabled": "\(counts[.disabled] ?? 0)",
                "config.revoked": "\(counts[.revoked] ?? 0)",
            ]
        )
        let now = Date()
        for change in changes {
            logger.info("configuration change", metadata: ["config.change": "\(change)"])
            try await stores.audit.record(change.auditEntry(time: now, file: file))
        }
        return changes
    }

    /// The limits of the declared users and teams that have their own, by their ids (known once reconciled).
    static func limitOverrides(_ identities: DeclaredIdentities, stores: EnclaveStores) async throws -> [LimitSubject: LimitPolicy] {
        var overrides: [LimitSubject: LimitPolicy] = [:]
        for team in identities.teams {
            if let limits = team.limits, let id = try await stores.identities.team(named: team.name)?.id { overrides[.team(id)] = limits }
        }
        for user in identities.users {
            if let limits = user.limits, let id = try await stores.identities.user(login: user.name)?.id { overrides[.user(id)] = limits }
        }
        return overrides
    }
}
