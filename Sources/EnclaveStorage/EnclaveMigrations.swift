// Enclave storage: the database schema, as an ordered list of migrations.

import Foundation
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
        migrator.registerMigration("003-identity") { db in
            try migrateToIdentity(db)
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
        migrator.registerMigration("007-passwords-sessions") { db in
            // Web sessions. The user table has had its passwordHash column since 003-identity; only the
            // sessions are new. A session's token is never stored, only its SHA-256.
            try db.create(table: "session") { table in
                table.primaryKey("id", .text)
                table.column("tokenHash", .blob).notNull().unique()
                table.column("userID", .text).notNull().references("user", onDelete: .cascade)
                table.column("createdAt", .datetime).notNull()
                table.column("lastSeenAt", .datetime).notNull()
                table.column("clientAddress", .text)
            }
            try db.execute(sql: "CREATE INDEX session_user ON session(userID)")
            try db.execute(sql: "CREATE INDEX session_lastSeen ON session(lastSeenAt)")
        }
        migrator.registerMigration("008-audit-log") { db in
            try migrateToAuditLog(db)
        }
        migrator.registerMigration("009-knowledge") { db in
            try migrateToKnowledge(db)
        }
        return migrator
    }

    /// Users, teams and membership; keys become owned by users. Every key made before users existed goes to
    /// the built-in admin user and keeps exactly what it could do: an admin key gets every scope (the
    /// `admin` scope included), any other key keeps its scopes and can still not manage the server.
    static func migrateToIdentity(_ db: Database) throws {
        try db.create(table: "user") { table in
            table.primaryKey("id", .text)
            table.column("name", .text).notNull().unique()
            table.column("email", .text).unique(onConflict: .abort).collate(.nocase)
            table.column("role", .text).notNull()
            table.column("disabled", .boolean).notNull().defaults(to: false)
            table.column("passwordHash", .text)
            table.column("createdAt", .datetime).notNull()
            table.column("lastSeenAt", .datetime)
            table.column("managedBy", .text)
        }
        try db.create(table: "team") { table in
            table.primaryKey("id", .text)
            table.column("name", .text).notNull().unique()
            table.column("weight", .integer).notNull().defaults(to: 1)
            table.column("disabled", .boolean).notNull().defaults(to: false)
            table.column("createdAt", .datetime).notNull()
            table.column("managedBy", .text)
        }
        try db.create(table: "teamMember") { table in
            table.column("teamID", .text).notNull().references("team", onDelete: .cascade)
            table.column("userID", .text).notNull().references("user", onDelete: .cascade)
            table.column("joinedAt", .datetime).notNull()
            table.primaryKey(["teamID", "userID"])
        }
        try db.execute(sql: "CREATE INDEX teamMember_user ON teamMember(userID)")
        let firstKey = try Date.fetchOne(db, sql: "SELECT MIN(createdAt) FROM apiKey")
        try db.execute(
            sql: "INSERT INTO user (id, name, role, createdAt) VALUES (?, ?, 'admin', ?)",
            arguments: ["usr_admin", "admin", firstKey ?? Date()]
        )
        try db.alter(table: "apiKey") { table in
            // SQLite adds no REFERENCES column with a default; the key store checks that the owner exists.
            table.add(column: "userID", .text).notNull().defaults(to: "usr_admin")
            table.add(column: "allowedModels", .text)
            table.add(column: "expiresAt", .datetime)
            table.add(column: "managedBy", .text)
        }
        try db.execute(sql: "UPDATE apiKey SET scopes = 'admin inference metrics' WHERE role = 'admin'")
        try db.execute(sql: "DROP INDEX apiKey_activeName")
        try db.alter(table: "apiKey") { table in
            table.drop(column: "role")
        }
        // Names are unique among a user's active keys; a revoked key's name can be reused.
        try db.execute(sql: "CREATE UNIQUE INDEX apiKey_activeName ON apiKey(userID, name) WHERE revokedAt IS NULL")
        try db.execute(sql: "CREATE INDEX apiKey_user ON apiKey(userID)")
    }
}
