// Enclave: who is asking.

/// The authenticated caller of a request: a user, through one credential (an API key or a web session),
/// with what that credential allows.
///
/// Every route and the scheduler use it: routes check ``may(use:)`` and ``mayUse(model:)``; the scheduler
/// and the limits use ``id`` (the user) and ``teams``; metrics use team names only.
public struct Principal: Sendable, Hashable {
    /// How the caller authenticated.
    public enum Credential: Sendable, Hashable {
        /// An API key, by its id and name.
        case apiKey(id: String, name: String)
        /// A web session, by its id (not its secret).
        case session(id: String)
    }

    /// A team the caller belongs to, as the scheduler and the limits need it.
    public struct TeamMembership: Sendable, Hashable {
        /// The team's id.
        public var id: String
        /// The team's name (a metrics label).
        public var name: String
        /// The team's scheduling weight.
        public var weight: Int

        /// Creates a membership.
        public init(id: String, name: String, weight: Int) {
            self.id = id
            self.name = name
            self.weight = weight
        }
    }

    /// The user's id: a stable identifier for fair queuing, limits, logs and the audit log (never a secret).
    public var id: String
    /// The user's name.
    public var name: String
    /// The user's role.
    public var role: Role
    /// The user's enabled teams, by name.
    public var teams: [TeamMembership]
    /// The credential of this request.
    public var credential: Credential
    /// The parts of the server the credential may use (see ``may(use:)``).
    public var scopes: Set<KeyScope>
    /// The models the credential may use; `nil` for every model.
    public var allowedModels: Set<String>?

    /// Creates a principal.
    public init(
        id: String,
        name: String,
        role: Role,
        teams: [TeamMembership] = [],
        credential: Credential,
        scopes: Set<KeyScope> = KeyScope.defaultScopes,
        allowedModels: Set<String>? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.teams = teams
        self.credential = credential
        self.scopes = scopes
        self.allowedModels = allowedModels
    }

    /// The principal an API key of `user` authenticates.
    public init(user: User, teams: [Team], key: APIKey) {
        self.init(
            id: user.id,
            name: user.name,
            role: user.role,
            teams: teams.filter { !$0.isDisabled }.map { TeamMembership(id: $0.id, name: $0.name, weight: $0.weight) },
            credential: .apiKey(id: key.id, name: key.name),
            scopes: key.scopes,
            allowedModels: key.allowedModels
        )
    }

    /// The id of the API key in use, if the credential is one.
    public var keyID: String? {
        if case .apiKey(let id, _) = credential { return id }
        return nil
    }

    /// Whether the caller may manage the server: an admin user whose credential carries ``KeyScope/admin``.
    public var isAdmin: Bool { may(use: .admin) }

    /// Whether the principal may use the part of the server behind `scope`: its credential must carry the
    /// scope, and ``KeyScope/admin`` counts only for a user whose role is admin.
    public func may(use scope: KeyScope) -> Bool {
        scopes.contains(scope) && (scope != .admin || role == .admin)
    }

    /// Whether the principal may use `model`.
    public func mayUse(model: String) -> Bool {
        allowedModels.map { $0.contains(model) } ?? true
    }

    /// Throws unless the principal ``may(use:)`` `scope`.
    /// - Throws: ``AuthorizationError``.
    public func require(_ scope: KeyScope) throws {
        guard may(use: scope) else {
            throw AuthorizationError(requiredScope: scope, principalID: id, grantedScopes: scopes, role: role)
        }
    }

    /// The team whose limits and weight apply to this principal's requests: the first enabled team by name,
    /// or `nil` for a user in no team.
    public var primaryTeam: TeamMembership? { teams.first }
}
