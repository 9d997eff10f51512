// Enclave server: /auth/login, /auth/logout and /auth/session.

public import EnclaveCore
import EnclaveOpenAI
import Foundation
public import Hummingbird

/// The web UI's login, logout and "who am I":
///
/// - `POST /auth/login` (open) `{"login": name or e-mail, "password": ...}` → 200 `{user, csrf_token}` and the
///   session cookie; 401 `invalid_credentials` for any wrong login or password; 429 `login_locked` with
///   `Retry-After` while the account or the address is locked out.
/// - `POST /auth/logout` (session) ends the session and clears the cookie.
/// - `GET /auth/session` (session) → `{user, csrf_token, session}`.
///
/// Errors have OpenAI's shape, like the `/v1` routes.
public struct SessionRoutes: Sendable {
    let sessions: SessionAuthenticator
    let body: RequestBody

    /// Creates the routes.
    public init(sessions: SessionAuthenticator, maxBodyBytes: Int) {
        self.sessions = sessions
        self.body = RequestBody(maxBodyBytes: min(maxBodyBytes, 16 * 1024))
    }

    struct LoginRequest: Decodable {
        var login: String
        var password: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: StrictKey.self)
            try StrictKey.refuseUnknown(in: container, allowed: ["login", "password"])
            login = try container.decode(String.self, forKey: StrictKey("login"))
            password = try container.decode(String.self, forKey: StrictKey("password"))
        }
    }

    struct SessionAnswer: Encodable {
        struct SessionObject: Encodable {
            var id: String
            var createdAt: Date
            var expiresAt: Date

            enum CodingKeys: String, CodingKey {
                case id
                case createdAt = "created_at"
                case expiresAt = "expires_at"
            }
        }

        var user: AdminObjects.UserObject
        var csrfToken: String
        var session: SessionObject

        enum CodingKeys: String, CodingKey {
            case user, session
            case csrfToken = "csrf_token"
        }
    }

    /// Adds `POST /auth/login` to the open group mounted at `/auth`.
    public func addLogin(to group: RouterGroup<EnclaveRequestContext>) {
        group.post("login") { request, context in
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                // A cross-site form cannot send JSON: this keeps other sites from logging a browser in.
                throw OpenAIError(
                    status: 415,
                    message: "Send the login as JSON (Content-Type: application/json).",
                    type: "invalid_request_error",
                    code: "unsupported_media_type"
                )
            }
            var request = request
            let asked = try await body.decode(LoginRequest.self, from: &request)
            let login = try await sessions.login(asked.login, password: asked.password, clientAddress: SessionCookie.clientAddress(of: context))
            context.stats.update { $0.principal = login.user.id }
            let answer = SessionAnswer(
                user: AdminObjects.UserObject(login.user, teams: try await sessions.stores.identities.teams(ofUser: login.user.id)),
                csrfToken: login.csrfToken,
                session: .init(id: login.session.id, createdAt: login.session.createdAt, expiresAt: expiry(of: login.session))
            )
            var response = try AdminRoutes.json(answer)
            response.headers[.setCookie] = SessionCookie.setting(login.cookieValue, settings: sessions.settings)
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// Adds `POST /auth/logout` and `GET /auth/session` to the authenticated group mounted at `/auth`.
    public func addSessionRoutes(to group: RouterGroup<EnclaveRequestContext>) {
        group.post("logout") { _, context in
            let authenticated = try Self.session(of: context)
            try await sessions.logout(authenticated, clientAddress: SessionCookie.clientAddress(of: context))
            var response = Response(status: .noContent)
            response.headers[.setCookie] = SessionCookie.clearing(settings: sessions.settings)
            return response
        }
        group.get("session") { _, context in
            let authenticated = try Self.session(of: context)
            guard let user = try await sessions.stores.identities.user(id: authenticated.principal.id) else {
                throw SessionError.invalidSession
            }
            let answer = SessionAnswer(
                user: AdminObjects.UserObject(user, teams: try await sessions.stores.identities.teams(ofUser: user.id)),
                csrfToken: sessions.csrfToken(of: authenticated),
                session: .init(
                    id: authenticated.session.id,
                    createdAt: authenticated.session.createdAt,
                    expiresAt: expiry(of: authenticated.session)
                )
            )
            var response = try AdminRoutes.json(answer)
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// When a session ends if it stays in use: its absolute expiry or, sooner, its idle expiry.
    func expiry(of session: Session) -> Date {
        min(
            session.createdAt.addingTimeInterval(sessions.settings.absoluteTimeout),
            session.lastSeenAt.addingTimeInterval(sessions.settings.idleTimeout)
        )
    }

    /// The request's session; a request authenticated by an API key has none.
    static func session(of context: EnclaveRequestContext) throws -> SessionAuthenticator.Authenticated {
        guard let session = context.session else {
            throw OpenAIError.invalidRequest("This route is for web sessions; this request has an API key, not a session cookie.", param: nil)
        }
        return session
    }
}
