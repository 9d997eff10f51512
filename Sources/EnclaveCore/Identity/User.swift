// Enclave: a person who uses the server.

public import Foundation

/// A person known to the server. API keys belong to a user; teams group users.
///
/// The password hash is kept by the ``IdentityStore`` apart from this value, so a `User` can be encoded into
/// any response without leaking it.
public struct User: Sendable, Hashable, Identifiable {
    /// A random identifier (`usr_` and 16 hex digits; the built-in admin is ``builtInAdminID``).
    public var id: String
    /// The unique login name.
    public var name: String
    /// The e-mail address, unique when set (a user may log in with it).
    public var email: String?
    /// What the user may do.
    public var role: Role
    /// A disabled user's keys and sessions authenticate nothing.
    public var isDisabled: Bool
    /// When the user was created.
    public var createdAt: Date
    /// When one of the user's credentials last authenticated a request (updated at most once a minute).
    public var lastSeenAt: Date?
    /// The configuration file that declares this user; `nil` if it was made through the API or the CLI.
    /// A declared user is read-only through the API and the CLI.
    public var managedBy: String?

    /// The id of the built-in admin user, who owns the keys made before users existed and the first
    /// admin key.
    public static let builtInAdminID = "usr_admin"
    /// The name of the built-in admin user.
    public static let builtInAdminName = "admin"

    /// Creates a user record.
    public init(
        id: String,
        name: String,
        email: String? = nil,
        role: Role,
        isDisabled: Bool = false,
        createdAt: Date,
        lastSeenAt: Date? = nil,
        managedBy: String? = nil
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
        self.isDisabled = isDisabled
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.managedBy = managedBy
    }

    /// Whether the user is the built-in admin.
    public var isBuiltInAdmin: Bool { id == Self.builtInAdminID }
}
