// Enclave core: why a login, a session or a CSRF check was refused.

/// A refused login, session, CSRF token or password check. The facts only; the routes word their own
/// answers (a wrong password and an unknown login are the same ``Code/badCredentials``, on purpose).
public struct SessionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of refusal this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case badCredentials, lockedOut, invalidSession, disabled, csrfFailed
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// Unknown login, wrong password, a user without a password, or a disabled user's login.
        public static let badCredentials = Code(.badCredentials)
        /// Too many failed logins: wait ``SessionError/retryAfterSeconds``.
        public static let lockedOut = Code(.lockedOut)
        /// The cookie is unsigned, unknown, or its session expired or ended.
        public static let invalidSession = Code(.invalidSession)
        /// The session's user is disabled (or gone).
        public static let disabled = Code(.disabled)
        /// A state-changing request authenticated by cookie without the session's CSRF token.
        public static let csrfFailed = Code(.csrfFailed)
        public var description: String { base.rawValue }
    }

    /// The kind of refusal.
    public let code: Code
    /// For ``Code/lockedOut``: seconds until a login may be tried again.
    public let retryAfterSeconds: Int?

    private init(_ code: Code, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The login or the password is wrong (or the user is disabled).
    public static let badCredentials = SessionError(.badCredentials)
    /// The session is not valid (any more).
    public static let invalidSession = SessionError(.invalidSession)
    /// The session's user is disabled.
    public static let disabled = SessionError(.disabled)
    /// The CSRF token is missing or wrong.
    public static let csrfFailed = SessionError(.csrfFailed)
    /// Locked out for `seconds`.
    public static func lockedOut(retryAfter seconds: Int) -> SessionError { SessionError(.lockedOut, retryAfterSeconds: seconds) }

    public var description: String {
        switch code {
        case .lockedOut: "too many failed logins; retry in \(retryAfterSeconds ?? 1) s"
        case .badCredentials: "incorrect login or password"
        case .disabled: "the account is disabled"
        case .csrfFailed: "missing or wrong CSRF token"
        default: "the session is not valid"
        }
    }
}
