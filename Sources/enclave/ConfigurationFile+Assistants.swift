// Enclave: reconciling the configuration file's collections and assistants at `enclave serve` start.

import EnclaveCore
import Foundation
import Logging

extension ConfigurationFile {
    /// Makes the stores match the file's `collections:` and `assistants:` (after the teams are reconciled),
    /// and logs and audits what changed (a system prompt only by its length and SHA-256).
    /// - Throws: ``CommandFailure`` naming both sides of a collision, before anything changed.
    @discardableResult
    static func reconcileAssistants(
        _ configuration: EnclaveConfiguration,
        path: String,
        stores: EnclaveStores,
        assistants: any AssistantStore,
        knowledge: (any KnowledgeStore)?,
        modelIDs: Set<String>,
        logger: Logger
    ) async throws -> [ConfigurationChange] {
        let file = ConfigurationReconciler.managedByName(forPath: path)
        let reconciler = ConfigurationReconciler(file: file, stores: stores, passwords: nil)
        if knowledge == nil, !configuration.collections.isEmpty {
            logger.warning(
                "the collections of the configuration are not applied: this server has no knowledge store",
                metadata: ["config.collections": "\(configuration.collections.count)"]
            )
        }
        let changes: [ConfigurationChange]
        do {
            changes = try await reconciler.reconcile(
                collections: configuration.collections,
                assistants: configuration.assistants,
                assistantStore: assistants,
                knowledge: knowledge,
                modelIDs: modelIDs
            )
        } catch let error as ReconciliationError {
            throw CommandFailure("cannot apply the collections and assistants of \(file): \(error)")
        }
        logger.info(
            "assistants reconciled",
            metadata: [
                "config.file": "\(file)", "config.assistants": "\(configuration.assistants.count)",
                "config.collections": "\(configuration.collections.count)", "config.changes": "\(changes.count)",
            ]
        )
        let now = Date()
        for change in changes {
            logger.info("configuration change", metadata: ["config.change": "\(change)"])
            try await stores.audit.record(change.auditEntry(time: now, file: file))
        }
        return changes
    }
}
