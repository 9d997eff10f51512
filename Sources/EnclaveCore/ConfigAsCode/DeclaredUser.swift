// Enclave: a user declared in the configuration file.

/// An entry of `users:`.
public struct DeclaredUser: Sendable, Hashable {
    /// A declared password: a bcrypt hash as written, or a password (usually from `${ENV}`) that the
    /// server hashes. Neither is ever printed: the description says only which kind it is.
    public enum Password: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
        /// `password_hash`: a bcrypt hash (`$2a$`, `$2b$` or `$2y$`, cost 04 to 31, 60 characters).
        case hash(String)
        /// `password`: the password itself.
        case plain(String)

        public var description: String {
            switch self {
            case .hash: "Password(bcrypt hash)"
            case .plain: "Password(plain, redacted)"
            }
        }

        public var debugDescription: String { description }
    }

    /// The unique login name (`name`).
    public var name: String
    /// The e-mail address (`email`).
    public var email: String?
    /// The role (`role`: `member` by default, or `admin`).
    public var role: Role
    /// The names of the declared teams the user belongs to (`teams`).
    public var teams: [String]
    /// The password (`password_hash` or `password`); `nil`: the user cannot log in with a password.
    public var password: Password?
    /// The user's own rate limits and budgets (`limits`), replacing `limits.per_user` for it; `nil`: the default.
    public var limits: LimitPolicy?
    /// Where the entry starts in the file.
    public var location: DeclarationLocation?

    /// Creates a declaration.
    public init(
        name: String,
        email: String? = nil,
        role: Role = .member,
        teams: [String] = [],
        password: Password? = nil,
        location: DeclarationLocation? = nil
    ) {
        self.name = name
        self.email = email
        self.role = role
        self.teams = teams
        self.password = password
        self.location = location
    }
}
