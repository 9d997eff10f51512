// Enclave: a known caller asking for something its key may not do.

/// The principal is authenticated but its key lacks the scope a route needs (a `metrics` key on `/v1`, a
/// user's inference key on `/metrics`). The facts only; each API dialect words its own 403.
public struct AuthorizationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The scope the route needs.
    public let requiredScope: KeyScope
    /// The principal's id (never a secret).
    public let principalID: String
    /// The scopes the principal has.
    public let grantedScopes: Set<KeyScope>
    /// The principal's role (an `admin` scope on a member's credential grants nothing).
    public let role: Role

    /// Creates the error.
    public init(requiredScope: KeyScope, principalID: String, grantedScopes: Set<KeyScope>, role: Role = .member) {
        self.requiredScope = requiredScope
        self.principalID = principalID
        self.grantedScopes = grantedScopes
        self.role = role
    }

    public var description: String {
        "\(principalID) lacks the '\(requiredScope)' scope (it has: \(grantedScopes.sorted().map(\.rawValue).joined(separator: ", ")))"
    }
}
