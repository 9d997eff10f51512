// Enclave storage: the audit log's tables (migration 008-audit-log).

import GRDB

extension EnclaveMigrations {
    /// The hash-chained audit log and the checkpoint of its last purge. Sequence numbers are the rowid
    /// (so always integers) and are assigned by the writer, never reused. Hashes are hex text, so that
    /// `sqlite3` shows them. Updates are refused by a trigger: a record is never changed after it is
    /// written (purging deletes the oldest ones).
    static func migrateToAuditLog(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE auditLog (
                    sequence INTEGER PRIMARY KEY,
                    timeMs INTEGER NOT NULL,
                    action TEXT NOT NULL,
                    userID TEXT,
                    keyID TEXT,
                    sessionID TEXT,
                    clientAddress TEXT,
                    target TEXT,
                    outcome TEXT NOT NULL,
                    status INTEGER,
                    model TEXT,
                    promptTokens INTEGER,
                    completionTokens INTEGER,
                    latencyMs INTEGER,
                    reason TEXT,
                    requestID TEXT,
                    "before" TEXT,
                    "after" TEXT,
                    previousHash TEXT NOT NULL,
                    hash TEXT NOT NULL
                )
                """
        )
        try db.execute(sql: "CREATE INDEX auditLog_time ON auditLog(timeMs)")
        try db.execute(sql: "CREATE INDEX auditLog_user ON auditLog(userID, sequence)")
        try db.execute(sql: "CREATE INDEX auditLog_target ON auditLog(target, sequence)")
        try db.execute(sql: "CREATE INDEX auditLog_action ON auditLog(action, sequence)")
        try db.execute(
            sql: """
                CREATE TRIGGER auditLog_appendOnly BEFORE UPDATE ON auditLog
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
                """
        )
        try db.execute(
            sql: """
                CREATE TABLE auditCheckpoint (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    sequence INTEGER NOT NULL,
                    hash TEXT NOT NULL,
                    timeMs INTEGER NOT NULL,
                    signature BLOB NOT NULL
                )
                """
        )
    }
}
