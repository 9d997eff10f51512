// Enclave: who is asking.

/// The authenticated caller of a request: today an API key; later users, teams and roles.
public struct Principal: Sendable, Hashable {
    /// A stable identifier used for fair queuing, logs and metrics (never a secret): `key:<key id>`.
    public var id: String
    /// A human-readable name (the key's name).
    public var name: String
    /// The caller's role.
    public var role: Role
    /// The parts of the server the caller's key may use (see ``may(use:)``).
    public var scopes: Set<KeyScope>

    /// Creates a principal.
    public init(id: String, name: String, role: Role, scopes: Set<KeyScope> = KeyScope.defaultScopes) {
        self.id = id
        self.name = name
        self.role = role
        self.scopes = scopes
    }

    /// The principal an API key authenticates.
    public init(key: APIKey) {
        self.init(id: "key:\(key.id)", name: key.name, role: key.role, scopes: key.scopes)
    }

    /// Whether the principal may use the part of the server behind `scope`: an admin may use everything,
    /// anyone else what its scopes name.
    public func may(use scope: KeyScope) -> Bool {
        role == .admin || scopes.contains(scope)
    }

    /// Throws unless the principal ``may(use:)`` `scope`.
    /// - Throws: ``AuthorizationError``.
    public func require(_ scope: KeyScope) throws {
        guard may(use: scope) else {
            throw AuthorizationError(requiredScope: scope, principalID: id, grantedScopes: scopes)
        }
    }
}

/// What a principal may do. Stored by its `rawValue`.
public struct Role: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The role's stored name.
    public var rawValue: String
    /// Creates a role from its stored name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// May use the API and manage the server.
    public static let admin = Role(rawValue: "admin")
    /// May use the API.
    public static let user = Role(rawValue: "user")
    public var description: String { rawValue }
}
