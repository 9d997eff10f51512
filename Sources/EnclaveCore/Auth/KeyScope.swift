// Enclave: what a key may be used for.

/// A part of the server an API key may use. Stored by its `rawValue`.
///
/// ``admin`` counts only on a key of an admin user (a member's key can never hold it); a session of an
/// admin carries every scope.
///
/// ```swift
/// let (key, secret) = try APIKey.issue(name: "prometheus", userID: admin.id, scopes: [.metrics])
/// ```
public struct KeyScope: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The scope's stored name.
    public var rawValue: String
    /// Creates a scope from its stored name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The OpenAI-compatible API under `/v1` (models, completions, chat). What a key has unless told otherwise.
    public static let inference = KeyScope(rawValue: "inference")
    /// `GET /metrics`: what a Prometheus scraper needs, and nothing else.
    public static let metrics = KeyScope(rawValue: "metrics")
    /// The admin API (`/admin/v1`): users, teams, every key, usage and the audit log. Admins only.
    public static let admin = KeyScope(rawValue: "admin")

    /// Every scope the server knows, in the order the CLI lists them.
    public static let all: [KeyScope] = [.inference, .metrics, .admin]
    /// The scopes of a key created without any: the API, not the metrics.
    public static let defaultScopes: Set<KeyScope> = [.inference]
    /// The scopes of an admin key made with `enclave keys create --admin` (and of the first key).
    public static let adminScopes: Set<KeyScope> = Set(all)

    /// The known scope with this name.
    /// - Throws: ``KeyStoreError`` `invalidScope` for a name that is not one of ``all``.
    public static func named(_ name: String) throws -> KeyScope {
        guard let scope = all.first(where: { $0.rawValue == name }) else {
            throw KeyStoreError.invalidScope(name, known: all.map(\.rawValue))
        }
        return scope
    }

    public static func < (lhs: KeyScope, rhs: KeyScope) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }
}
