// Enclave: reading the `audit:` section.

import Yams

extension EnclaveConfiguration {
    static func readAudit(_ node: Node, into audit: inout AuditConfiguration, reader: ConfigurationReader) throws {
        let entries = try reader.mapping(node, at: "audit", allowed: ["retention_days"])
        if let value = entries["retention_days"], !reader.isNull(value) {
            audit.retentionDays = try reader.int(value, at: "audit.retention_days", in: AuditConfiguration.retentionRange)
        }
    }
}
