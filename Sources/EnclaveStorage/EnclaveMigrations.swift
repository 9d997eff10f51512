// Enclave storage: the database schema, as an ordered list of migrations.

import GRDB

/// The schema of Enclave's database. Migrations only ever get appended: a released migration is never
/// edited, so every database can be brought from any earlier version to the current one.
enum EnclaveMigrations {
    /// The migrator with every migration, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("001-api-keys") { db in
            try db.create(table: "apiKey") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("prefix", .text).notNull()
                table.column("hash", .blob).notNull().unique()
                table.column("role", .text).notNull()
                table.column("createdAt", .datetime).notNull()
                table.column("lastUsedAt", .datetime)
                table.column("revokedAt", .datetime)
            }
            // Names are unique among active keys; a revoked key's name can be reused.
            try db.execute(sql: "CREATE UNIQUE INDEX apiKey_activeName ON apiKey(name) WHERE revokedAt IS NULL")
        }
        migrator.registerMigration("002-api-key-scopes") { db in
            // What each key may use, as space-separated scope names. Keys made before scopes existed keep what
            // they could do: the API (and, for admins, everything, which the role grants).
            try db.alter(table: "apiKey") { table in
                table.add(column: "scopes", .text).notNull().defaults(to: "inference")
            }
        }
        migrator.registerMigration("005-usage") { db in
            // Usage added up per UTC day, user, team, model and key: one row per combination, updated in place
            // (UPSERT), so the table grows with active users and models per day, not with requests. A request
            // without a team or a key stores '' there (SQLite's unique keys treat NULLs as all different).
            try db.execute(
                sql: """
                    CREATE TABLE usageDaily (
                        day TEXT NOT NULL,
                        userID TEXT NOT NULL,
                        teamID TEXT NOT NULL DEFAULT '',
                        model TEXT NOT NULL,
                        keyID TEXT NOT NULL DEFAULT '',
                        requests INTEGER NOT NULL DEFAULT 0,
                        promptTokens INTEGER NOT NULL DEFAULT 0,
                        completionTokens INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (day, userID, teamID, model, keyID)
                    ) WITHOUT ROWID
                    """
            )
            try db.execute(sql: "CREATE INDEX usageDaily_user ON usageDaily(userID, day)")
            try db.execute(sql: "CREATE INDEX usageDaily_team ON usageDaily(teamID, day)")
            try db.execute(sql: "CREATE INDEX usageDaily_key ON usageDaily(keyID, day)")
        }
        return migrator
    }
}
