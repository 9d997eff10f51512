// Enclave: creating new API keys.

public import Foundation

extension APIKey {
    /// The longest key name.
    public static let maximumNameLength = NameRules.maximumLength

    /// Makes a new key and its secret. Store the key; show the secret once.
    ///
    /// ```swift
    /// let (key, secret) = try APIKey.issue(name: "ci", userID: user.id, at: wallClock.now())
    /// try await store.create(key)
    /// print(secret.value)
    /// ```
    /// - Parameters:
    ///   - name: The key's name, unique among its owner's active keys.
    ///   - userID: The owner.
    ///   - scopes: What the key may use (``KeyScope/defaultScopes``: the API); at least one.
    ///   - allowedModels: The models it may use (`nil`: every model); when given, at least one.
    ///   - expiresAt: When it stops working (`nil`: never).
    ///   - date: The creation date (callers with a ``WallClock`` pass its `now()`).
    /// - Throws: ``KeyStoreError`` `invalidName` for a name that ``validateName(_:)`` rejects, `invalidScope`
    ///   for an empty set of scopes, `invalidField` for an empty model list or an expiry not after `date`.
    public static func issue(
        name: String,
        userID: String,
        scopes: Set<KeyScope> = KeyScope.defaultScopes,
        allowedModels: Set<String>? = nil,
        expiresAt: Date? = nil,
        at date: Date = Date()
    ) throws -> (key: APIKey, secret: APIKeySecret) {
        try validateName(name)
        guard !scopes.isEmpty else { throw KeyStoreError.invalidScope("(none)", known: KeyScope.all.map(\.rawValue)) }
        if let allowedModels, allowedModels.isEmpty || allowedModels.contains(where: \.isEmpty) {
            throw KeyStoreError.invalidField("models", "name at least one model, or leave the list out for every model")
        }
        if let expiresAt, expiresAt <= date {
            throw KeyStoreError.invalidField("expires", "the expiry must be in the future")
        }
        let secret = APIKeySecret.generate()
        let key = APIKey(
            id: RandomIdentifier.make(prefix: "k_"),
            name: name,
            prefix: secret.displayPrefix,
            hash: secret.hash,
            userID: userID,
            scopes: scopes,
            allowedModels: allowedModels,
            createdAt: date,
            expiresAt: expiresAt
        )
        return (key, secret)
    }

    /// Checks a key name: ``NameRules``, and not shaped like a key id (`k_` + 16 hex digits), so that
    /// `revoke ID|NAME` is unambiguous.
    public static func validateName(_ name: String) throws {
        if let problem = NameRules.problem(with: name) { throw KeyStoreError.invalidName(name, problem) }
        guard !looksLikeID(name) else {
            throw KeyStoreError.invalidName(name, "it has the shape of a key id")
        }
    }

    /// Whether a string has the shape of a key id.
    public static func looksLikeID(_ string: String) -> Bool {
        RandomIdentifier.hasShape(string, prefix: "k_")
    }
}
