// Enclave: creating new API keys.

public import Foundation

extension APIKey {
    /// The longest key name.
    public static let maximumNameLength = 64

    /// Makes a new key and its secret. Store the key; show the secret once.
    ///
    /// ```swift
    /// let (key, secret) = try APIKey.issue(name: "ci", role: .user, at: wallClock.now())
    /// try await store.create(key)
    /// print(secret.value)
    /// ```
    /// - Parameters:
    ///   - name: The key's unique name.
    ///   - role: The key's role.
    ///   - scopes: What the key may use (``KeyScope/defaultScopes``: the API); at least one.
    ///   - date: The creation date (callers with a ``WallClock`` pass its `now()`).
    /// - Throws: ``KeyStoreError`` `invalidName` for a name that ``validateName(_:)`` rejects, `invalidScope`
    ///   for an empty set of scopes.
    public static func issue(
        name: String,
        role: Role,
        scopes: Set<KeyScope> = KeyScope.defaultScopes,
        at date: Date = Date()
    ) throws -> (key: APIKey, secret: APIKeySecret) {
        try validateName(name)
        guard !scopes.isEmpty else { throw KeyStoreError.invalidScope("(none)", known: KeyScope.all.map(\.rawValue)) }
        let secret = APIKeySecret.generate()
        let key = APIKey(
            id: makeID(),
            name: name,
            prefix: secret.displayPrefix,
            hash: secret.hash,
            role: role,
            scopes: scopes,
            createdAt: date
        )
        return (key, secret)
    }

    /// Checks a key name: 1 to 64 characters among letters, digits, `.`, `_`, `-` and `@`, starting with a
    /// letter or digit, and not shaped like a key id (`k_` + 16 hex digits), so that `revoke ID|NAME` is
    /// unambiguous.
    public static func validateName(_ name: String) throws {
        guard !name.isEmpty else { throw KeyStoreError.invalidName(name, "it is empty") }
        guard name.count <= maximumNameLength else {
            throw KeyStoreError.invalidName(name, "it is longer than \(maximumNameLength) characters")
        }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-@".unicodeScalars.contains(scalar))
        }
        guard allowed else {
            throw KeyStoreError.invalidName(name, "use only letters, digits, '.', '_', '-' and '@'")
        }
        guard let first = name.unicodeScalars.first, CharacterSet.alphanumerics.contains(first) else {
            throw KeyStoreError.invalidName(name, "it must start with a letter or a digit")
        }
        guard !looksLikeID(name) else {
            throw KeyStoreError.invalidName(name, "it has the shape of a key id")
        }
    }

    /// Whether a string has the shape of a key id.
    public static func looksLikeID(_ string: String) -> Bool {
        string.hasPrefix("k_") && string.count == 18
            && string.dropFirst(2).unicodeScalars.allSatisfy { "0123456789abcdef".unicodeScalars.contains($0) }
    }

    private static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = UInt64.random(in: .min ... .max, using: &generator)
        let hex = String(value, radix: 16)
        return "k_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
