// Enclave: the audit log's retention in `enclave serve`.

import EnclaveCore
import EnclaveServer
import EnclaveStorage
import Foundation
import Logging
import ServiceLifecycle

extension ServeCommand {
    /// The service that purges audit records past `audit.retention_days` (none without a retention period).
    /// The checkpoint key is made in the data directory at the first purge.
    func auditRetention(_ configuration: EnclaveConfiguration, log: any AuditLog, logger: Logger) -> [any Service] {
        guard let days = configuration.audit.retentionDays else { return [] }
        let directory = configuration.storage.dataDirectory
        return [AuditRetentionService(log: log, retentionDays: days, signingKey: { try AuditKeyFiles.loadOrCreate(in: directory) }, logger: logger)]
    }
}

extension ServeCommand {
    /// Records the admin key made at first start (by its id and prefix, never its secret).
    func auditFirstAdminKey(_ secret: APIKeySecret, stores: EnclaveStores) async throws {
        guard let key = try await stores.keys.find(hash: secret.hash) else { return }
        try await stores.audit.record(AuditEntry(time: Date(), action: .keyCreate, actor: .commandLine, target: key.id, after: key.auditJSON))
    }
}
