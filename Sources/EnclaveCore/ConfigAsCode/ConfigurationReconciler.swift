// Enclave: making the database match the teams, users and keys the configuration file declares.

public import Foundation

/// Applies a configuration file's ``DeclaredIdentities`` to the stores at start.
///
/// - Declared teams, users, memberships and keys are created, or updated to match, with `managedBy` set to
///   the file; the API and the CLI then refuse to change them (``AdministrationError`` `managedByConfig`).
/// - Teams and users this file managed that it no longer declares are disabled, and its keys revoked: never
///   deleted, so their usage and audit history keep their owner.
/// - Entities made through the API or the CLI (`managedBy == nil`) are never touched. A declaration whose
///   name (or e-mail, or key secret) is taken by one of them is an error naming both: neither side silently
///   overrides the other. Every such problem is found before anything is written.
/// - A second run with the same file changes nothing and returns no changes.
///
/// Memberships of the file's teams are the file's: exactly the declared users that list the team (a team
/// the file no longer declares keeps no members). A declared user may also belong to teams made through the
/// API; those memberships are left alone.
///
/// ```swift
/// let reconciler = ConfigurationReconciler(file: "/etc/enclave/enclave.yaml", stores: stores, passwords: passwords)
/// let changes = try await reconciler.reconcile(configuration.identities)
/// ```
public struct ConfigurationReconciler: Sendable {
    /// The configuration file, as stored in `managedBy` (an absolute path: see ``managedByName(forPath:)``).
    public let file: String
    /// The stores of teams, users and keys.
    public let stores: EnclaveStores
    /// Where passwords are kept; `nil`: declared passwords are not applied (see ``appliesPasswords``).
    public let passwords: (any PasswordStore)?
    /// The source of creation and revocation dates.
    public let wallClock: any WallClock
    /// The bcrypt cost of the passwords it hashes (12; tests use less).
    public let passwordCost: UInt8

    /// Creates a reconciler for one file.
    /// - Parameters:
    ///   - file: The configuration file's name as stored in `managedBy`.
    ///   - stores: The teams, users and keys to change.
    ///   - passwords: Where users' password hashes go; `nil` if this server keeps none.
    ///   - wallClock: The source of dates.
    ///   - passwordCost: The bcrypt cost for `password:` values.
    public init(
        file: String,
        stores: EnclaveStores,
        passwords: (any PasswordStore)?,
        wallClock: any WallClock = SystemWallClock(),
        passwordCost: UInt8 = 12
    ) {
        self.file = file
        self.stores = stores
        self.passwords = passwords
        self.wallClock = wallClock
        self.passwordCost = passwordCost
    }

    /// Whether declared passwords are stored (a password store was given).
    public var appliesPasswords: Bool { passwords != nil }

    /// The name a file is managed under: its absolute, standardized path, so that `enclave.yaml` and
    /// `./enclave.yaml` are the same file.
    public static func managedByName(forPath path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Makes the stores match `declared`.
    /// - Returns: What was changed, teams first, then users, then keys; empty when everything already matched.
    /// - Throws: ``ReconciliationError`` (before any change) for a collision with an entity made through the
    ///   API or the CLI, or a declaration that cannot be applied; a store's error if a write fails.
    public func reconcile(_ declared: DeclaredIdentities) async throws -> [ConfigurationChange] {
        let existing = Existing(
            teams: try await stores.identities.teams(),
            users: try await stores.identities.users(),
            keys: try await stores.keys.list()
        )
        try check(declared, against: existing)
        var changes: [ConfigurationChange] = []
        let teamIDs = try await reconcileTeams(declared.teams, existing: existing, changes: &changes)
        let userIDs = try await reconcileUsers(declared.users, existing: existing, teamIDs: teamIDs, changes: &changes)
        try await reconcileKeys(declared.keys, existing: existing, userIDs: userIDs, changes: &changes)
        return changes
    }

    /// What the stores held before reconciling.
    struct Existing {
        var teams: [Team]
        var users: [User]
        var keys: [APIKey]

        /// The declared team's record: the team of that name managed by a configuration file.
        func team(_ declared: DeclaredTeam) -> Team? { teams.first { $0.name == declared.name && $0.managedBy != nil } }
        /// The declared user's record: the user of that name managed by a configuration file.
        func user(named name: String) -> User? { users.first { $0.name == name && $0.managedBy != nil } }
        /// The declared key's record: the key with its hash managed by a configuration file.
        func key(_ declared: DeclaredKey) -> APIKey? { keys.first { $0.hash == declared.hash && $0.managedBy != nil } }
    }

    /// `FILE:LINE:COLUMN` of a declaration, or the file alone.
    func place(_ location: DeclarationLocation?) -> String {
        location.map { "\(file):\($0)" } ?? file
    }

    /// Every collision with an entity made through the API or the CLI, and every declaration that cannot be
    /// applied, as one error.
    private func check(_ declared: DeclaredIdentities, against existing: Existing) throws {
        var collisions: [String] = []
        let neitherOverrides = "rename one of them (neither overrides the other)"
        for team in declared.teams {
            if let other = existing.teams.first(where: { $0.name == team.name && $0.managedBy == nil }) {
                collisions.append(
                    "the team '\(team.name)' declared at \(place(team.location)) has the name of the team \(other.id) made through the API or the CLI; \(neitherOverrides)"
                )
            }
        }
        for user in declared.users {
            if let other = existing.users.first(where: { $0.name == user.name && $0.managedBy == nil }) {
                collisions.append(
                    "the user '\(user.name)' declared at \(place(user.location)) has the name of the user \(other.id) made through the API or the CLI; \(neitherOverrides)"
                )
            }
            if let email = user.email?.lowercased(),
                let other = existing.users.first(where: { $0.email?.lowercased() == email && $0.name != user.name })
            {
                collisions.append(
                    "the user '\(user.name)' declared at \(place(user.location)) has the e-mail of the user '\(other.name)' (\(other.id)); \(neitherOverrides)"
                )
            }
        }
        var invalid: [String] = []
        for key in declared.keys {
            if let other = existing.keys.first(where: { $0.hash == key.hash && $0.managedBy == nil }) {
                collisions.append(
                    "the key '\(key.name)' declared at \(place(key.location)) has the secret of the key '\(other.name)' (\(other.id)) made through the API or the CLI; revoke that key and declare a new secret"
                )
            }
            guard let owner = ownerID(of: key, declared: declared, existing: existing) else {
                invalid.append(
                    "the key '\(key.name)' declared at \(place(key.location)) names the user '\(key.user)', who is not declared in the file"
                )
                continue
            }
            if let other = existing.keys.first(where: {
                $0.isActive && $0.managedBy == nil && $0.userID == owner && $0.name == key.name && $0.hash != key.hash
            }) {
                collisions.append(
                    "the key '\(key.name)' of '\(key.user)' declared at \(place(key.location)) has the name of the active key \(other.id) made through the API or the CLI; \(neitherOverrides)"
                )
            }
            let role = key.user == User.builtInAdminName ? Role.admin : declared.users.first(where: { $0.name == key.user })?.role
            if key.scopes.contains(.admin) && role != .admin {
                invalid.append("the key '\(key.name)' declared at \(place(key.location)) has the 'admin' scope, but '\(key.user)' is not an admin")
            }
        }
        guard collisions.isEmpty && invalid.isEmpty else {
            throw ReconciliationError(collisions.isEmpty ? .invalid : .collision, problems: collisions + invalid)
        }
    }

    /// The id of a declared key's owner if it exists already (the built-in admin, or a declared user made on an
    /// earlier start); a declared user not made yet has no id, and no key can collide with theirs.
    private func ownerID(of key: DeclaredKey, declared: DeclaredIdentities, existing: Existing) -> String?? {
        if key.user == User.builtInAdminName { return .some(User.builtInAdminID) }
        guard declared.users.contains(where: { $0.name == key.user }) else { return nil }
        return .some(existing.user(named: key.user)?.id)
    }
}
