// Enclave storage: users, teams and membership in SQLite.

public import EnclaveCore
public import Foundation
import GRDB

/// An ``IdentityStore`` in Enclave's SQLite database (``SQLiteDatabase``).
///
/// ```swift
/// let identities = SQLiteIdentityStore(database: database)
/// try await identities.createUser(try User.make(name: "alice", at: now))
/// ```
public final class SQLiteIdentityStore: IdentityStore {
    /// The database the users and teams are in.
    public let database: SQLiteDatabase

    /// A store over an open database.
    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func createUser(_ user: User) async throws {
        try await write { db in
            try Self.checkUnique(user, in: db)
            try db.execute(
                sql: """
                    INSERT INTO user (id, name, email, role, disabled, createdAt, lastSeenAt, managedBy)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    user.id, user.name, user.email, user.role.rawValue, user.isDisabled, user.createdAt, user.lastSeenAt, user.managedBy,
                ]
            )
        }
    }

    public func updateUser(_ user: User) async throws {
        try await write { db in
            try Self.checkUnique(user, in: db)
            try db.execute(
                sql: "UPDATE user SET name = ?, email = ?, role = ?, disabled = ?, managedBy = ? WHERE id = ?",
                arguments: [user.name, user.email, user.role.rawValue, user.isDisabled, user.managedBy, user.id]
            )
            guard db.changesCount == 1 else { throw IdentityStoreError.notFound("user", user.id) }
        }
    }

    public func user(id: String) async throws -> User? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE id = ?", arguments: [id]).map(Self.user(from:))
        }
    }

    public func user(login: String) async throws -> User? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE name = ?", arguments: [login]).map(Self.user(from:))
                ?? Row.fetchOne(db, sql: "SELECT * FROM user WHERE email = ? COLLATE NOCASE", arguments: [login]).map(Self.user(from:))
        }
    }

    public func users() async throws -> [User] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM user ORDER BY createdAt, id").map(Self.user(from:))
        }
    }

    public func touchUser(id: String, at date: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE user SET lastSeenAt = ? WHERE id = ?", arguments: [date, id])
        }
    }

    public func setPasswordHash(_ hash: String?, userID: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE user SET passwordHash = ? WHERE id = ?", arguments: [hash, userID])
            guard db.changesCount == 1 else { throw IdentityStoreError.notFound("user", userID) }
        }
    }

    public func passwordHash(userID: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT passwordHash FROM user WHERE id = ?", arguments: [userID])
        }
    }

    public func createTeam(_ team: Team) async throws {
        try await write { db in
            try Self.checkUnique(team, in: db)
            try db.execute(
                sql: "INSERT INTO team (id, name, weight, disabled, createdAt, managedBy) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [team.id, team.name, team.weight, team.isDisabled, team.createdAt, team.managedBy]
            )
        }
    }

    public func updateTeam(_ team: Team) async throws {
        try await write { db in
            try Self.checkUnique(team, in: db)
            try db.execute(
                sql: "UPDATE team SET name = ?, weight = ?, disabled = ?, managedBy = ? WHERE id = ?",
                arguments: [team.name, team.weight, team.isDisabled, team.managedBy, team.id]
            )
            guard db.changesCount == 1 else { throw IdentityStoreError.notFound("team", team.id) }
        }
    }

    public func team(id: String) async throws -> Team? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM team WHERE id = ?", arguments: [id]).map(Self.team(from:))
        }
    }

    public func team(named name: String) async throws -> Team? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM team WHERE name = ?", arguments: [name]).map(Self.team(from:))
        }
    }

    public func teams() async throws -> [Team] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM team ORDER BY createdAt, id").map(Self.team(from:))
        }
    }

    public func addMember(userID: String, teamID: String) async throws {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE id = ?", arguments: [userID]) != nil else {
                throw IdentityStoreError.notFound("user", userID)
            }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM team WHERE id = ?", arguments: [teamID]) != nil else {
                throw IdentityStoreError.notFound("team", teamID)
            }
            try db.execute(
                sql: "INSERT OR IGNORE INTO teamMember (teamID, userID, joinedAt) VALUES (?, ?, ?)",
                arguments: [teamID, userID, Date()]
            )
        }
    }

    public func removeMember(userID: String, teamID: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM teamMember WHERE teamID = ? AND userID = ?", arguments: [teamID, userID])
        }
    }

    public func teams(ofUser userID: String) async throws -> [Team] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT team.* FROM team JOIN teamMember ON teamMember.teamID = team.id WHERE teamMember.userID = ? ORDER BY team.name",
                arguments: [userID]
            ).map(Self.team(from:))
        }
    }

    public func members(ofTeam teamID: String) async throws -> [String] {
        try await read { db in
            try String.fetchAll(
                db,
                sql: "SELECT userID FROM teamMember WHERE teamID = ? ORDER BY joinedAt, rowid",
                arguments: [teamID]
            )
        }
    }

    private static func checkUnique(_ user: User, in db: Database) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE name = ? AND id != ?", arguments: [user.name, user.id]) != nil {
            throw IdentityStoreError.duplicate("user", field: "name", user.name)
        }
        if let email = user.email,
            try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE email = ? COLLATE NOCASE AND id != ?", arguments: [email, user.id]) != nil
        {
            throw IdentityStoreError.duplicate("user", field: "email", email)
        }
    }

    private static func checkUnique(_ team: Team, in db: Database) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM team WHERE name = ? AND id != ?", arguments: [team.name, team.id]) != nil {
            throw IdentityStoreError.duplicate("team", field: "name", team.name)
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(passing: IdentityStoreError.self, failure: IdentityStoreError.unavailable, body)
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write(
            passing: IdentityStoreError.self,
            failure: IdentityStoreError.unavailable,
            duplicate: { IdentityStoreError.duplicate("user or team", field: "id", "(unique constraint)") },
            body
        )
    }

    private static func user(from row: Row) -> User {
        User(
            id: row["id"],
            name: row["name"],
            email: row["email"],
            role: Role(rawValue: row["role"]),
            isDisabled: row["disabled"],
            createdAt: row["createdAt"],
            lastSeenAt: row["lastSeenAt"],
            managedBy: row["managedBy"]
        )
    }

    private static func team(from row: Row) -> Team {
        Team(
            id: row["id"],
            name: row["name"],
            weight: row["weight"],
            isDisabled: row["disabled"],
            createdAt: row["createdAt"],
            managedBy: row["managedBy"]
        )
    }
}
