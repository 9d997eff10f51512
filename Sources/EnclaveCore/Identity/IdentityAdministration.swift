// Enclave: the changes people make to users, teams and keys, with their rules.

public import Foundation

/// Creating and changing users, teams and keys, with the rules that hold whoever asks (the admin API, a
/// member managing their own keys, or the CLI): declared entities are read-only (``AdministrationError``
/// `managedByConfig`), only an admin's key may carry the `admin` scope, the built-in admin cannot be
/// disabled or demoted.
///
/// Who may ask is the caller's business (routes check the principal); this type checks what is asked.
///
/// ```swift
/// let administration = IdentityAdministration(stores: stores)
/// let alice = try await administration.createUser(name: "alice", email: "alice@example.com")
/// let (key, secret) = try await administration.createKey(name: "laptop", userID: alice.id)
/// ```
public struct IdentityAdministration: Sendable {
    /// The stores changed.
    public let stores: EnclaveStores
    /// The source of creation and revocation dates.
    public let wallClock: any WallClock

    /// Creates the administration over `stores`.
    public init(stores: EnclaveStores, wallClock: any WallClock = SystemWallClock()) {
        self.stores = stores
        self.wallClock = wallClock
    }

    // MARK: Users

    /// Creates a user.
    /// - Throws: ``IdentityStoreError`` `invalidField` or `duplicate`.
    public func createUser(name: String, email: String? = nil, role: Role = .member, managedBy: String? = nil) async throws -> User {
        var user = try User.make(name: name, email: email, role: role, at: wallClock.now())
        user.managedBy = managedBy
        try await stores.identities.createUser(user)
        try await audit(.userCreate, target: user.id, after: user.auditJSON)
        return user
    }

    /// What to change in a user; `nil` fields stay as they are.
    public struct UserChange: Sendable, Hashable {
        /// A new login name.
        public var name: String?
        /// A new e-mail address (`.some(nil)` clears it).
        public var email: String??
        /// A new role.
        public var role: Role?
        /// Disables (`true`) or enables (`false`) the user.
        public var isDisabled: Bool?

        /// Creates a change.
        public init(name: String? = nil, email: String?? = nil, role: Role? = nil, isDisabled: Bool? = nil) {
            self.name = name
            self.email = email
            self.role = role
            self.isDisabled = isDisabled
        }
    }

    /// Changes a user found by id, name or e-mail.
    /// - Returns: The user before and after the change.
    /// - Throws: ``AdministrationError`` `notFound`, `managedByConfig`, or `forbidden` (disabling or demoting
    ///   the built-in admin); ``IdentityStoreError`` for an invalid or taken field.
    @discardableResult
    public func updateUser(_ idOrLogin: String, _ change: UserChange) async throws -> (before: User, after: User) {
        let before = try await existingUser(idOrLogin)
        if let file = before.managedBy { throw AdministrationError.managedByConfig("user", before.name, file: file) }
        var after = before
        if let name = change.name { after.name = name }
        if let email = change.email { after.email = email }
        if let role = change.role { after.role = role }
        if let disabled = change.isDisabled { after.isDisabled = disabled }
        if before.isBuiltInAdmin && (after.isDisabled || after.role != .admin) {
            throw AdministrationError.forbidden("the built-in admin user cannot be disabled or lose the admin role")
        }
        try after.validate()
        try await stores.identities.updateUser(after)
        try await audit(.userUpdate, target: after.id, before: before.auditJSON, after: after.auditJSON)
        return (before, after)
    }

    /// The user with this id, name or e-mail.
    /// - Throws: ``AdministrationError`` `notFound`.
    public func existingUser(_ idOrLogin: String) async throws -> User {
        guard let user = try await stores.identities.user(idOrLogin: idOrLogin) else {
            throw AdministrationError.notFound("user", idOrLogin)
        }
        return user
    }

    // MARK: Teams

    /// Creates a team.
    /// - Throws: ``IdentityStoreError`` `invalidField` or `duplicate`.
    public func createTeam(name: String, weight: Int = 1, managedBy: String? = nil) async throws -> Team {
        var team = try Team.make(name: name, weight: weight, at: wallClock.now())
        team.managedBy = managedBy
        try await stores.identities.createTeam(team)
        try await audit(.teamCreate, target: team.id, after: team.auditJSON)
        return team
    }

    /// What to change in a team; `nil` fields stay as they are.
    public struct TeamChange: Sendable, Hashable {
        /// A new name.
        public var name: String?
        /// A new scheduling weight.
        public var weight: Int?
        /// Disables (`true`) or enables (`false`) the team.
        public var isDisabled: Bool?

        /// Creates a change.
        public init(name: String? = nil, weight: Int? = nil, isDisabled: Bool? = nil) {
            self.name = name
            self.weight = weight
            self.isDisabled = isDisabled
        }
    }

    /// Changes a team found by id or name.
    /// - Returns: The team before and after the change.
    /// - Throws: ``AdministrationError`` `notFound` or `managedByConfig`; ``IdentityStoreError``.
    @discardableResult
    public func updateTeam(_ idOrName: String, _ change: TeamChange) async throws -> (before: Team, after: Team) {
        let before = try await existingTeam(idOrName)
        if let file = before.managedBy { throw AdministrationError.managedByConfig("team", before.name, file: file) }
        var after = before
        if let name = change.name { after.name = name }
        if let weight = change.weight { after.weight = weight }
        if let disabled = change.isDisabled { after.isDisabled = disabled }
        try after.validate()
        try await stores.identities.updateTeam(after)
        try await audit(.teamUpdate, target: after.id, before: before.auditJSON, after: after.auditJSON)
        return (before, after)
    }

    /// Adds a user to a team (both by id or name).
    /// - Throws: ``AdministrationError`` `notFound`, or `managedByConfig` if the team is declared.
    public func addMember(user idOrLogin: String, team idOrName: String) async throws -> (user: User, team: Team) {
        let team = try await existingTeam(idOrName)
        let user = try await existingUser(idOrLogin)
        if let file = team.managedBy { throw AdministrationError.managedByConfig("team", team.name, file: file) }
        try await stores.identities.addMember(userID: user.id, teamID: team.id)
        try await audit(.teamMemberAdd, target: team.id, after: .object(["team_id": .string(team.id), "user_id": .string(user.id)]))
        return (user, team)
    }

    /// Takes a user out of a team (both by id or name).
    /// - Throws: ``AdministrationError`` `notFound`, `invalid` if the user is not a member, or
    ///   `managedByConfig` if the team is declared.
    public func removeMember(user idOrLogin: String, team idOrName: String) async throws -> (user: User, team: Team) {
        let team = try await existingTeam(idOrName)
        let user = try await existingUser(idOrLogin)
        if let file = team.managedBy { throw AdministrationError.managedByConfig("team", team.name, file: file) }
        guard try await stores.identities.members(ofTeam: team.id).contains(user.id) else {
            throw AdministrationError.invalid("'\(user.name)' is not a member of the team '\(team.name)'")
        }
        try await stores.identities.removeMember(userID: user.id, teamID: team.id)
        try await audit(.teamMemberRemove, target: team.id, before: .object(["team_id": .string(team.id), "user_id": .string(user.id)]))
        return (user, team)
    }

    /// The team with this id or name.
    /// - Throws: ``AdministrationError`` `notFound`.
    public func existingTeam(_ idOrName: String) async throws -> Team {
        guard let team = try await stores.identities.team(idOrName: idOrName) else {
            throw AdministrationError.notFound("team", idOrName)
        }
        return team
    }

    // MARK: Keys

    /// Creates a key for a user. Only an admin user's key may carry ``KeyScope/admin``.
    /// - Throws: ``AdministrationError`` `notFound` or `forbidden`; ``KeyStoreError`` for an invalid or
    ///   taken name, scope, model list or expiry.
    public func createKey(
        name: String,
        userID: String,
        scopes: Set<KeyScope> = KeyScope.defaultScopes,
        allowedModels: Set<String>? = nil,
        expiresAt: Date? = nil,
        managedBy: String? = nil
    ) async throws -> (key: APIKey, secret: APIKeySecret) {
        let user = try await existingUser(userID)
        if scopes.contains(.admin) && user.role != .admin {
            throw AdministrationError.forbidden("only a key of an admin user may have the 'admin' scope; '\(user.name)' is a member")
        }
        var (key, secret) = try APIKey.issue(
            name: name,
            userID: user.id,
            scopes: scopes,
            allowedModels: allowedModels,
            expiresAt: expiresAt,
            at: wallClock.now()
        )
        key.managedBy = managedBy
        try await stores.keys.create(key)
        try await audit(.keyCreate, target: key.id, after: key.auditJSON)
        return (key, secret)
    }

    /// Revokes an active key by id, or by name (of `userID`, if given).
    /// - Throws: ``AdministrationError`` `managedByConfig`; ``KeyStoreError`` `notFound` or `ambiguous`.
    public func revokeKey(_ idOrName: String, ownedBy userID: String? = nil) async throws -> APIKey {
        let candidates = try await stores.keys.list().filter { key in
            key.isActive && (key.id == idOrName || key.name == idOrName) && (userID == nil || key.userID == userID)
        }
        if candidates.count == 1, let key = candidates.first, let file = key.managedBy {
            throw AdministrationError.managedByConfig("key", key.name, file: file)
        }
        let revoked = try await stores.keys.revoke(idOrName: idOrName, ownedBy: userID, at: wallClock.now())
        var before = revoked
        before.revokedAt = nil
        try await audit(.keyRevoke, target: revoked.id, before: before.auditJSON, after: revoked.auditJSON)
        return revoked
    }
}
