// Enclave: what an audit record is about.

/// The kind of event an audit record describes, as a dotted name (`request`, `user.create`, ...). Open:
/// any non-empty name of lowercase letters, digits, `_` and `.` is a valid action, so that new parts of
/// the server add their own without changing this type.
public struct AuditAction: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// An action by name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// Whether the name is 1 to 64 characters of `a`-`z`, `0`-`9`, `_` and `.`.
    public var isWellFormed: Bool {
        (1...64).contains(rawValue.utf8.count)
            && rawValue.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2E }
    }

    /// An inference request (`/v1/chat/completions`, `/v1/completions`), served or refused.
    public static let request = AuditAction(rawValue: "request")
    /// A successful password login.
    public static let login = AuditAction(rawValue: "login")
    /// A failed password login.
    public static let loginFailed = AuditAction(rawValue: "login_failed")
    /// An account or client address locked out after repeated failures.
    public static let lockout = AuditAction(rawValue: "lockout")
    /// A logout.
    public static let logout = AuditAction(rawValue: "logout")
    /// A user created.
    public static let userCreate = AuditAction(rawValue: "user.create")
    /// A user changed (name, e-mail, role, disabled).
    public static let userUpdate = AuditAction(rawValue: "user.update")
    /// A user's password set or changed (the record never holds the password or its hash).
    public static let userPassword = AuditAction(rawValue: "user.password")
    /// A team created.
    public static let teamCreate = AuditAction(rawValue: "team.create")
    /// A team changed.
    public static let teamUpdate = AuditAction(rawValue: "team.update")
    /// A user added to a team.
    public static let teamMemberAdd = AuditAction(rawValue: "team.member.add")
    /// A user taken out of a team.
    public static let teamMemberRemove = AuditAction(rawValue: "team.member.remove")
    /// An API key created (the record never holds its secret or hash).
    public static let keyCreate = AuditAction(rawValue: "key.create")
    /// An API key revoked.
    public static let keyRevoke = AuditAction(rawValue: "key.revoke")
    /// The configuration file reconciled into the database at start.
    public static let configReconcile = AuditAction(rawValue: "config.reconcile")
    /// Old records purged by the retention period (a checkpoint was written).
    public static let auditPurge = AuditAction(rawValue: "audit.purge")
}
