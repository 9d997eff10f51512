// Enclave: what a key may be used for.

/// A part of the server an API key may use. Keys of the `user` role are limited to their scopes; an admin
/// key may use everything. Stored by its `rawValue`.
///
/// ```swift
/// let (key, secret) = try APIKey.issue(name: "prometheus", role: .user, scopes: [.metrics])
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

    /// Every scope the server knows, in the order the CLI lists them.
    public static let all: [KeyScope] = [.inference, .metrics]
    /// The scopes of a key created without any: the API, not the metrics.
    public static let defaultScopes: Set<KeyScope> = [.inference]

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
