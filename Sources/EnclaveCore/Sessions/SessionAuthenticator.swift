// Enclave core: password logins, web sessions and their CSRF tokens.

public import Foundation
import Synchronization

/// Logs users in with a password, and turns a session cookie back into a ``Principal``.
///
/// - A login checks the password with bcrypt. An unknown login, a user without a password, a wrong
///   password and a disabled user all give ``SessionError/badCredentials`` after the same work (an unknown
///   login is checked against a dummy hash). Failures are counted by ``LoginThrottle`` per account and per
///   client address; while locked out a login is refused with ``SessionError/Code/lockedOut`` without
///   checking the password.
/// - A session's cookie is its random token signed with the server's ``SessionKey``; the store keeps the
///   token's SHA-256 only. A session ends after ``SessionSettings/idleMinutes`` without a request or
///   ``SessionSettings/absoluteHours`` after its login, and at once when its user is disabled.
/// - Its principal has the user's role and role-derived scopes: an admin's session may use everything,
///   a member's the API (``KeyScope/inference``).
///
/// The time comes from an injected ``WallClock``; events go to a ``LoginEventSink`` (the audit log).
///
/// ```swift
/// let sessions = SessionAuthenticator(stores: stores, settings: configuration.sessions, key: key)
/// let login = try await sessions.login("alice", password: "correct horse", clientAddress: "10.0.0.7")
/// let (principal, _) = try await sessions.authenticate(cookieValue: login.cookieValue)
/// ```
public final class SessionAuthenticator: Sendable {
    /// A successful login.
    public struct Login: Sendable {
        /// The user logged in.
        public var user: User
        /// The new session.
        public var session: Session
        /// The session cookie's value (secret).
        public var cookieValue: String
        /// The session's CSRF token (secret).
        public var csrfToken: String
    }

    /// A request's session.
    public struct Authenticated: Sendable {
        /// The caller.
        public var principal: Principal
        /// The session.
        public var session: Session
        /// The session's token (to check its CSRF token).
        public var token: SessionToken
    }

    /// The stores of users, password hashes and sessions.
    public let stores: EnclaveStores
    /// Session lifetimes.
    public let settings: SessionSettings
    /// The key that signs cookies and derives CSRF tokens.
    public let key: SessionKey
    /// bcrypt.
    public let hasher: PasswordHasher
    /// Where login events go.
    public let events: any LoginEventSink
    /// The source of session dates.
    public let wallClock: any WallClock
    /// The least time between two updates of a session's `lastSeenAt`, in seconds.
    public let touchInterval: TimeInterval
    private let throttle: Mutex<LoginThrottle>

    /// Creates the authenticator.
    /// - Parameters:
    ///   - stores: Users, password hashes and sessions.
    ///   - settings: Idle and absolute lifetimes.
    ///   - key: The server's session key (kept in the data directory by `enclave serve`).
    ///   - hasher: bcrypt; a lower cost in tests only.
    ///   - lockout: When failed logins lock an account or an address out.
    ///   - events: Receives logins, failures, lockouts and logouts; by default the audit log of `stores`.
    ///   - wallClock: The source of dates.
    ///   - touchInterval: The least time between two updates of a session's `lastSeenAt`.
    public init(
        stores: EnclaveStores,
        settings: SessionSettings = SessionSettings(),
        key: SessionKey,
        hasher: PasswordHasher = PasswordHasher(),
        lockout: LoginThrottle.Policy = LoginThrottle.Policy(),
        events: (any LoginEventSink)? = nil,
        wallClock: any WallClock = SystemWallClock(),
        touchInterval: TimeInterval = 60
    ) {
        self.stores = stores
        self.settings = settings
        self.key = key
        self.hasher = hasher
        self.events = events ?? AuditLoginEvents(sink: stores.audit)
        self.wallClock = wallClock
        self.touchInterval = touchInterval
        self.throttle = Mutex(LoginThrottle(policy: lockout))
    }

    /// Logs a user in by name or e-mail and password, and begins a session.
    /// - Throws: ``SessionError`` `badCredentials` or `lockedOut`; a store's error if one fails.
    public func login(_ login: String, password: String, clientAddress: String) async throws -> Login {
        let now = wallClock.now()
        var user: User?
        if !login.isEmpty, login.utf8.count <= 320 { user = try await stores.identities.user(login: login) }
        let account = user.map(\.id) ?? "login:" + login.lowercased()
        try await begin(account: account, login: login, userID: user?.id, clientAddress: clientAddress, at: now)
        var hash: String?
        if let user { hash = try await stores.passwords.passwordHash(userID: user.id) }
        let matched = await hasher.verify(password, hash: hash)
        guard let user, matched, !user.isDisabled else {
            let reason = user?.isDisabled == true && matched ? "disabled" : "bad_credentials"
            try await fail(account: account, login: login, userID: user?.id, clientAddress: clientAddress, reason: reason, at: now)
            throw SessionError.badCredentials
        }
        throttle.withLock { $0.succeeded(account: account, address: clientAddress, at: now) }
        // Expired sessions are purged at each login, so the table holds live sessions only.
        try await stores.sessions.deleteSessions(
            lastSeenBefore: now.addingTimeInterval(-settings.idleTimeout),
            createdBefore: now.addingTimeInterval(-settings.absoluteTimeout)
        )
        let token = SessionToken.generate()
        let session = Session(
            id: RandomIdentifier.make(prefix: "ses_"),
            tokenHash: token.hash,
            userID: user.id,
            createdAt: now,
            lastSeenAt: now,
            clientAddress: clientAddress
        )
        try await stores.sessions.createSession(session)
        try await stores.identities.touchUser(id: user.id, at: now)
        do {
            try await events.record(
                LoginEvent(kind: .login, date: now, login: login, userID: user.id, clientAddress: clientAddress, sessionID: session.id)
            )
        } catch {
            // No session goes unaudited: without its record, the login did not happen.
            try? await stores.sessions.deleteSession(id: session.id)
            throw error
        }
        return Login(user: user, session: session, cookieValue: token.cookieValue(signedWith: key), csrfToken: token.csrfToken(signedWith: key))
    }

    /// The session of a cookie value, with its principal.
    /// - Throws: ``SessionError`` `invalidSession` (bad signature, unknown, expired) or `disabled`.
    public func authenticate(cookieValue: String) async throws -> Authenticated {
        guard let token = SessionToken(cookieValue: cookieValue, signedWith: key) else { throw SessionError.invalidSession }
        guard var session = try await stores.sessions.session(tokenHash: token.hash), session.tokenHash == token.hash else {
            throw SessionError.invalidSession
        }
        let now = wallClock.now()
        if session.isExpired(at: now, idleTimeout: settings.idleTimeout, absoluteTimeout: settings.absoluteTimeout) {
            try await stores.sessions.deleteSession(id: session.id)
            throw SessionError.invalidSession
        }
        guard let user = try await stores.identities.user(id: session.userID), !user.isDisabled else {
            try await stores.sessions.deleteSession(id: session.id)
            throw SessionError.disabled
        }
        // A clock that went back (a corrected wall clock) also allows a touch.
        if now.timeIntervalSince(session.lastSeenAt) >= touchInterval || now < session.lastSeenAt {
            try await stores.sessions.touchSession(id: session.id, at: now)
            try await stores.identities.touchUser(id: user.id, at: now)
            session.lastSeenAt = now
        }
        let teams = try await stores.identities.teams(ofUser: user.id).filter { !$0.isDisabled }
        let principal = Principal(
            id: user.id,
            name: user.name,
            role: user.role,
            teams: teams.map { Principal.TeamMembership(id: $0.id, name: $0.name, weight: $0.weight) },
            credential: .session(id: session.id),
            scopes: Self.scopes(of: user.role)
        )
        return Authenticated(principal: principal, session: session, token: token)
    }

    /// The scopes of a session: everything for an admin, the API for a member.
    public static func scopes(of role: Role) -> Set<KeyScope> {
        role == .admin ? KeyScope.adminScopes : KeyScope.defaultScopes
    }

    /// Ends a session.
    public func logout(_ authenticated: Authenticated, clientAddress: String) async throws {
        try await stores.sessions.deleteSession(id: authenticated.session.id)
        try await events.record(
            LoginEvent(
                kind: .logout,
                date: wallClock.now(),
                login: authenticated.principal.name,
                userID: authenticated.principal.id,
                clientAddress: clientAddress,
                sessionID: authenticated.session.id
            )
        )
    }

    /// The CSRF token of a session.
    public func csrfToken(of authenticated: Authenticated) -> String { authenticated.token.csrfToken(signedWith: key) }

    /// Throws unless `presented` is the session's CSRF token.
    /// - Throws: ``SessionError`` `csrfFailed`.
    public func requireCSRFToken(_ presented: String?, of authenticated: Authenticated) throws {
        guard authenticated.token.acceptsCSRFToken(presented, signedWith: key) else { throw SessionError.csrfFailed }
    }

    /// Checks a logged-in user's current password (before they change it), counted and locked out like a login.
    /// - Throws: ``SessionError`` `badCredentials` or `lockedOut`.
    public func verifyPassword(_ password: String, of user: User, clientAddress: String) async throws {
        let now = wallClock.now()
        try await begin(account: user.id, login: user.name, userID: user.id, clientAddress: clientAddress, at: now)
        let hash = try await stores.passwords.passwordHash(userID: user.id)
        guard await hasher.verify(password, hash: hash) else {
            try await fail(account: user.id, login: user.name, userID: user.id, clientAddress: clientAddress, reason: "bad_credentials", at: now)
            throw SessionError.badCredentials
        }
        throttle.withLock { $0.succeeded(account: user.id, address: clientAddress, at: now) }
    }

    private func begin(account: String, login: String, userID: String?, clientAddress: String, at now: Date) async throws {
        let decision = throttle.withLock { $0.begin(account: account, address: clientAddress, at: now) }
        guard case .locked(let retryAfter, let subject) = decision else { return }
        try await events.record(
            LoginEvent(
                kind: .lockedOutAttempt,
                date: now,
                login: login,
                userID: userID,
                clientAddress: clientAddress,
                reason: subject == .account ? "account_locked" : "address_locked",
                retryAfterSeconds: retryAfter
            )
        )
        throw SessionError.lockedOut(retryAfter: retryAfter)
    }

    private func fail(account: String, login: String, userID: String?, clientAddress: String, reason: String, at now: Date) async throws {
        // The throttle counts the failure before the audit log is asked: a failing log must not make
        // guessing cheaper.
        let decision = throttle.withLock { $0.check(account: account, address: clientAddress, at: now) }
        try await events.record(LoginEvent(kind: .loginFailed, date: now, login: login, userID: userID, clientAddress: clientAddress, reason: reason))
        if case .locked(let retryAfter, let subject) = decision {
            try await events.record(
                LoginEvent(
                    kind: .lockout,
                    date: now,
                    login: login,
                    userID: userID,
                    clientAddress: clientAddress,
                    reason: subject == .account ? "account_locked" : "address_locked",
                    retryAfterSeconds: retryAfter
                )
            )
        }
    }
}
