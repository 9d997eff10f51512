// Enclave core: what happened at a login, for the audit log.

public import Foundation

/// A login, a failed login, a lockout or a logout, as a ``LoginEventSink`` receives it. It never carries
/// a password: the login name as typed (cut to 256 characters), the user if one was found, the client
/// address and, for a login or a logout, the session's id (not its token).
public struct LoginEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable {
        /// A successful password login; a session began.
        case login
        /// A wrong password, an unknown login or a disabled user.
        case loginFailed = "login_failed"
        /// A failure that locked the account or the client address out for a while.
        case lockout
        /// A refused attempt while locked out (the password was not checked).
        case lockedOutAttempt = "locked_out_attempt"
        /// The user logged out; the session ended.
        case logout
    }

    /// What happened.
    public var kind: Kind
    /// When.
    public var date: Date
    /// The login name or e-mail that was given (never the password), cut to 256 characters.
    public var login: String
    /// The user's id, when the login named one.
    public var userID: String?
    /// The client's address.
    public var clientAddress: String
    /// The session begun or ended.
    public var sessionID: String?
    /// For a failure or a lockout: `bad_credentials`, `disabled`, `account_locked` or `address_locked`.
    public var reason: String?
    /// For a lockout: how many seconds it lasts.
    public var retryAfterSeconds: Int?

    /// Creates an event.
    public init(
        kind: Kind,
        date: Date,
        login: String,
        userID: String? = nil,
        clientAddress: String,
        sessionID: String? = nil,
        reason: String? = nil,
        retryAfterSeconds: Int? = nil
    ) {
        self.kind = kind
        self.date = date
        self.login = String(login.prefix(256))
        self.userID = userID
        self.clientAddress = clientAddress
        self.sessionID = sessionID
        self.reason = reason
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Receives login events: the audit log records them (``AuditLoginEvents``, the default of
/// ``SessionAuthenticator``); ``DiscardingLoginEventSink`` keeps nothing.
public protocol LoginEventSink: Sendable {
    /// Records an event durably.
    /// - Throws: When it cannot; the login (or the refusal) then fails instead of going unrecorded.
    func record(_ event: LoginEvent) async throws
}

/// A ``LoginEventSink`` that keeps nothing.
public struct DiscardingLoginEventSink: LoginEventSink {
    /// Creates the sink.
    public init() {}

    public func record(_ event: LoginEvent) async throws {}
}
