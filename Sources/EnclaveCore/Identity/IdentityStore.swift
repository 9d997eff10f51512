// Enclave: where users, teams and their memberships live.

public import Foundation

/// Storage of users, teams, team membership and password hashes. Implementations: `SQLiteIdentityStore`
/// (EnclaveStorage) and `InMemoryIdentityStore` (EnclaveTesting); both pass the same contract suite.
///
/// A store never sees a password: it keeps the bcrypt hash it is given.
public protocol IdentityStore: Sendable {
    /// Stores a new user.
    /// - Throws: ``IdentityStoreError`` `duplicate` if the id, the name or the e-mail is taken.
    func createUser(_ user: User) async throws
    /// Replaces a user's name, e-mail, role, disabled flag and `managedBy`.
    /// - Throws: ``IdentityStoreError`` `notFound`, or `duplicate` if the new name or e-mail is taken.
    func updateUser(_ user: User) async throws
    /// The user with this id.
    func user(id: String) async throws -> User?
    /// The user whose name or e-mail is `login` (names are compared exactly, e-mails without case).
    func user(login: String) async throws -> User?
    /// Every user, oldest first.
    func users() async throws -> [User]
    /// Records that a credential of the user authenticated at `date`.
    func touchUser(id: String, at date: Date) async throws
    /// Sets (or with `nil` clears) the bcrypt hash of the user's password.
    /// - Throws: ``IdentityStoreError`` `notFound`.
    func setPasswordHash(_ hash: String?, userID: String) async throws
    /// The bcrypt hash of the user's password, if they have one.
    func passwordHash(userID: String) async throws -> String?

    /// Stores a new team.
    /// - Throws: ``IdentityStoreError`` `duplicate` if the id or the name is taken.
    func createTeam(_ team: Team) async throws
    /// Replaces a team's name, weight, disabled flag and `managedBy`.
    /// - Throws: ``IdentityStoreError`` `notFound`, or `duplicate` if the new name is taken.
    func updateTeam(_ team: Team) async throws
    /// The team with this id.
    func team(id: String) async throws -> Team?
    /// The team with this name.
    func team(named name: String) async throws -> Team?
    /// Every team, oldest first.
    func teams() async throws -> [Team]

    /// Makes the user a member of the team (doing nothing if they are one).
    /// - Throws: ``IdentityStoreError`` `notFound` if either does not exist.
    func addMember(userID: String, teamID: String) async throws
    /// Takes the user out of the team (doing nothing if they are not in it).
    func removeMember(userID: String, teamID: String) async throws
    /// The teams the user belongs to, by name.
    func teams(ofUser userID: String) async throws -> [Team]
    /// The ids of the team's members, in the order they joined.
    func members(ofTeam teamID: String) async throws -> [String]
}

extension IdentityStore {
    /// The user with this id, or else the user whose name or e-mail this is.
    public func user(idOrLogin: String) async throws -> User? {
        if let user = try await user(id: idOrLogin) { return user }
        return try await user(login: idOrLogin)
    }

    /// The team with this id, or else the team with this name.
    public func team(idOrName: String) async throws -> Team? {
        if let team = try await team(id: idOrName) { return team }
        return try await team(named: idOrName)
    }

    /// Creates the built-in admin user if it does not exist.
    /// - Returns: The built-in admin.
    public func ensureBuiltInAdmin(at date: Date) async throws -> User {
        if let admin = try await user(id: User.builtInAdminID) { return admin }
        let admin = User(id: User.builtInAdminID, name: User.builtInAdminName, role: .admin, createdAt: date)
        try await createUser(admin)
        return admin
    }
}
