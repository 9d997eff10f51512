// Enclave storage: web sessions in SQLite.

public import EnclaveCore
public import Foundation
import GRDB

/// A ``SessionStore`` in Enclave's SQLite database (table `session`, migration `007-passwords-sessions`):
/// one row per session with the SHA-256 of its token, never the token. Deleting a user deletes their
/// sessions (foreign key).
///
/// ```swift
/// let sessions = SQLiteSessionStore(database: database)
/// try await sessions.createSession(session)
/// ```
public final class SQLiteSessionStore: SessionStore {
    /// The database the sessions are in.
    public let database: SQLiteDatabase

    /// A store over an open database.
    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func createSession(_ session: Session) async throws {
        try await write { db in
            let taken = try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM session WHERE id = ? OR tokenHash = ?",
                arguments: [session.id, Data(session.tokenHash.bytes)]
            )
            guard taken == nil else { throw SessionStoreError.duplicate(session.id) }
            try db.execute(
                sql: "INSERT INTO session (id, tokenHash, userID, createdAt, lastSeenAt, clientAddress) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    session.id, Data(session.tokenHash.bytes), session.userID, session.createdAt, session.lastSeenAt, session.clientAddress,
                ]
            )
        }
    }

    public func session(tokenHash: KeyHash) async throws -> Session? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM session WHERE tokenHash = ?", arguments: [Data(tokenHash.bytes)]).map(Self.session(from:))
        }
    }

    public func sessions(ofUser userID: String) async throws -> [Session] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM session WHERE userID = ? ORDER BY createdAt, id", arguments: [userID]).map(Self.session(from:))
        }
    }

    public func touchSession(id: String, at date: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE session SET lastSeenAt = ? WHERE id = ?", arguments: [date, id])
        }
    }

    public func deleteSession(id: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [id])
        }
    }

    @discardableResult
    public func deleteSessions(ofUser userID: String) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM session WHERE userID = ?", arguments: [userID])
            return db.changesCount
        }
    }

    @discardableResult
    public func deleteSessions(lastSeenBefore: Date, createdBefore: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM session WHERE lastSeenAt < ? OR createdAt < ?", arguments: [lastSeenBefore, createdBefore])
            return db.changesCount
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(passing: SessionStoreError.self, failure: SessionStoreError.unavailable, body)
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write(passing: SessionStoreError.self, failure: SessionStoreError.unavailable, body)
    }

    private static func session(from row: Row) throws -> Session {
        let hash: Data = row["tokenHash"]
        guard let tokenHash = try? KeyHash(bytes: Array(hash)) else {
            throw SessionStoreError.corrupt("the session \(row["id"] as String? ?? "?") has a token hash of \(hash.count) bytes")
        }
        return Session(
            id: row["id"],
            tokenHash: tokenHash,
            userID: row["userID"],
            createdAt: row["createdAt"],
            lastSeenAt: row["lastSeenAt"],
            clientAddress: row["clientAddress"]
        )
    }
}
