// Enclave: an API key declared in the configuration file.

public import Foundation

/// An entry of `keys:`. The file gives the key's hash, or its secret (from `${ENV}`); the database keeps only
/// the hash either way.
public struct DeclaredKey: Sendable, Hashable {
    /// The key's name (`name`), unique in the file.
    public var name: String
    /// The owner's name (`user`): a user declared in the file, or the built-in `admin`.
    public var user: String
    /// The SHA-256 of the secret (`hash: "sha256:…"`, or computed from `secret`).
    public var hash: KeyHash
    /// The display prefix: the secret's first characters when the file gives the secret, else
    /// `sha256:` and the hash's first hex digits.
    public var prefix: String
    /// The models the key may use (`models`); `nil`: every model.
    public var allowedModels: Set<String>?
    /// What the key may use (`scopes`, default `[inference]`).
    public var scopes: Set<KeyScope>
    /// When the key stops working (`expires`: a date, `2027-01-01`, or a date and time); `nil`: never.
    public var expiresAt: Date?
    /// Where the entry starts in the file.
    public var location: DeclarationLocation?

    /// Creates a declaration.
    public init(
        name: String,
        user: String,
        hash: KeyHash,
        prefix: String,
        allowedModels: Set<String>? = nil,
        scopes: Set<KeyScope> = KeyScope.defaultScopes,
        expiresAt: Date? = nil,
        location: DeclarationLocation? = nil
    ) {
        self.name = name
        self.user = user
        self.hash = hash
        self.prefix = prefix
        self.allowedModels = allowedModels
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.location = location
    }

    /// A declaration of the key whose secret is `secret`.
    public init(name: String, user: String, secret: APIKeySecret, location: DeclarationLocation? = nil) {
        self.init(name: name, user: user, hash: secret.hash, prefix: secret.displayPrefix, location: location)
    }
}
