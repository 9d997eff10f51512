// Enclave storage: the assistants table (migration 010-assistants).

import GRDB

extension EnclaveMigrations {
    /// One row per assistant. Its settings are columns where queries could need them (id, teams, model,
    /// disabled, managed by) and one JSON column for the rest (prompt, sampling, collections, retrieval).
    static func migrateToAssistants(_ db: Database) throws {
        try db.create(table: "assistant") { table in
            table.primaryKey("id", .text)
            table.column("name", .text).notNull()
            table.column("model", .text).notNull()
            table.column("teamIDs", .text).notNull()
            table.column("settings", .text).notNull()
            table.column("isDisabled", .boolean).notNull().defaults(to: false)
            table.column("createdAt", .datetime).notNull()
            table.column("managedBy", .text)
        }
    }
}
