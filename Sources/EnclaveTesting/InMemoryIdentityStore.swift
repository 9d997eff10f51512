// Enclave testing: users and teams in memory.

public import EnclaveCore
public import Foundation

/// An ``IdentityStore`` kept in memory, with the same behaviour as the SQLite store (the contract suite runs
/// against both).
public actor InMemoryIdentityStore: IdentityStore {
    private var usersByID: [String: User] = [:]
    private var passwordHashes: [String: String] = [:]
    private var teamsByID: [String: Team] = [:]
    /// Team id -> member ids, in the order they joined.
    private var memberships: [String: [String]] = [:]

    /// Creates an empty store.
    public init() {}

    public func createUser(_ user: User) throws {
        guard usersByID[user.id] == nil else { throw IdentityStoreError.duplicate("user", field: "id", user.id) }
        try checkUnique(user)
        usersByID[user.id] = user
    }

    public func updateUser(_ user: User) throws {
        guard var stored = usersByID[user.id] else { throw IdentityStoreError.notFound("user", user.id) }
        try checkUnique(user)
        stored.name = user.name
        stored.email = user.email
        stored.role = user.role
        stored.isDisabled = user.isDisabled
        stored.managedBy = user.managedBy
        usersByID[user.id] = stored
    }

    public func user(id: String) -> User? { usersByID[id] }

    public func user(login: String) -> User? {
        usersByID.values.first { $0.name == login }
            ?? usersByID.values.first { $0.email?.lowercased() == login.lowercased() }
    }

    public func users() -> [User] {
        usersByID.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func touchUser(id: String, at date: Date) {
        usersByID[id]?.lastSeenAt = date
    }

    public func setPasswordHash(_ hash: String?, userID: String) throws {
        guard usersByID[userID] != nil else { throw IdentityStoreError.notFound("user", userID) }
        passwordHashes[userID] = hash
    }

    public func passwordHash(userID: String) -> String? { passwordHashes[userID] }

    public func createTeam(_ team: Team) throws {
        guard teamsByID[team.id] == nil else { throw IdentityStoreError.duplicate("team", field: "id", team.id) }
        try checkUnique(team)
        teamsByID[team.id] = team
    }

    public func updateTeam(_ team: Team) throws {
        guard var stored = teamsByID[team.id] else { throw IdentityStoreError.notFound("team", team.id) }
        try checkUnique(team)
        stored.name = team.name
        stored.weight = team.weight
        stored.isDisabled = team.isDisabled
        stored.managedBy = team.managedBy
        teamsByID[team.id] = stored
    }

    public func team(id: String) -> Team? { teamsByID[id] }

    public func team(named name: String) -> Team? { teamsByID.values.first { $0.name == name } }

    public func teams() -> [Team] {
        teamsByID.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func addMember(userID: String, teamID: String) throws {
        guard usersByID[userID] != nil else { throw IdentityStoreError.notFound("user", userID) }
        guard teamsByID[teamID] != nil else { throw IdentityStoreError.notFound("team", teamID) }
        if !(memberships[teamID]?.contains(userID) ?? false) {
            memberships[teamID, default: []].append(userID)
        }
    }

    public func removeMember(userID: String, teamID: String) {
        memberships[teamID]?.removeAll { $0 == userID }
    }

    public func teams(ofUser userID: String) -> [Team] {
        memberships.filter { $0.value.contains(userID) }.compactMap { teamsByID[$0.key] }.sorted { $0.name < $1.name }
    }

    public func members(ofTeam teamID: String) -> [String] { memberships[teamID] ?? [] }

    private func checkUnique(_ user: User) throws {
        if usersByID.values.contains(where: { $0.id != user.id && $0.name == user.name }) {
            throw IdentityStoreError.duplicate("user", field: "name", user.name)
        }
        if let email = user.email,
            usersByID.values.contains(where: { $0.id != user.id && $0.email?.lowercased() == email.lowercased() })
        {
            throw IdentityStoreError.duplicate("user", field: "email", email)
        }
    }

    private func checkUnique(_ team: Team) throws {
        if teamsByID.values.contains(where: { $0.id != team.id && $0.name == team.name }) {
            throw IdentityStoreError.duplicate("team", field: "name", team.name)
        }
    }
}
