// Enclave: what a person may do.

/// A user's role. Stored by its `rawValue`.
///
/// An admin may manage the server (users, teams, every key, usage and the audit log) when the credential
/// in use carries the ``KeyScope/admin`` scope; a member may use the API and manage their own keys.
public struct Role: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The role's stored name.
    public var rawValue: String
    /// Creates a role from its stored name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// May use the API and manage the server.
    public static let admin = Role(rawValue: "admin")
    /// May use the API and manage their own keys.
    public static let member = Role(rawValue: "member")

    /// Every role, in the order the CLI lists them.
    public static let all: [Role] = [.admin, .member]

    public var description: String { rawValue }
}
