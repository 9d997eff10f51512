// Enclave server: setting passwords through the API.

public import EnclaveCore
import EnclaveOpenAI
public import Hummingbird

/// `PUT /admin/v1/users/{user}/password` `{"password"}` (admins: sets anyone's password) and
/// `PUT /v1/me/password` `{"current_password", "password"}` (anyone: their own, knowing the current one;
/// checked and locked out like a login). Both answer with the user (never a password or a hash) and end
/// the user's other web sessions.
public struct PasswordRoutes: Sendable {
    let administration: IdentityAdministration
    let sessions: SessionAuthenticator
    let body: RequestBody

    /// Creates the routes.
    public init(administration: IdentityAdministration, sessions: SessionAuthenticator, maxBodyBytes: Int) {
        self.administration = administration
        self.sessions = sessions
        self.body = RequestBody(maxBodyBytes: min(maxBodyBytes, 16 * 1024))
    }

    struct SetPassword: Decodable {
        var password: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: StrictKey.self)
            try StrictKey.refuseUnknown(in: container, allowed: ["password"])
            password = try container.decode(String.self, forKey: StrictKey("password"))
        }
    }

    struct ChangePassword: Decodable {
        var currentPassword: String
        var password: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: StrictKey.self)
            try StrictKey.refuseUnknown(in: container, allowed: ["current_password", "password"])
            currentPassword = try container.decode(String.self, forKey: StrictKey("current_password"))
            password = try container.decode(String.self, forKey: StrictKey("password"))
        }
    }

    /// Adds `PUT users/{user}/password` to the admin group (mounted at `/admin/v1`).
    public func addAdminRoute(to group: RouterGroup<EnclaveRequestContext>) {
        group.put("users/{user}/password") { request, context in
            var request = request
            let asked = try await body.decode(SetPassword.self, from: &request)
            let user = try await administration.setPassword(asked.password, of: context.parameters.require("user"), hasher: sessions.hasher)
            return try AdminRoutes.json(AdminObjects.UserObject(user, teams: try await administration.stores.identities.teams(ofUser: user.id)))
        }
    }

    /// Adds `PUT me/password` to the `/v1` group.
    public func addMeRoute(to group: RouterGroup<EnclaveRequestContext>) {
        group.put("me/password") { request, context in
            let principal = try MeRoutes.principal(of: context)
            var request = request
            let asked = try await body.decode(ChangePassword.self, from: &request)
            if let problem = PasswordHasher.problem(with: asked.password) {
                throw OpenAIError.invalidRequest("Invalid 'password': \(problem).", param: "password", code: "invalid_value")
            }
            let user = try await administration.existingUser(principal.id)
            if let file = user.managedBy { throw AdministrationError.managedByConfig("user", user.name, file: file) }
            do {
                try await sessions.verifyPassword(asked.currentPassword, of: user, clientAddress: SessionCookie.clientAddress(of: context))
            } catch let error as SessionError where error.code == .badCredentials {
                throw OpenAIError(
                    status: 403,
                    message: "The current password is wrong.",
                    type: "invalid_request_error",
                    param: "current_password",
                    code: "invalid_credentials"
                )
            }
            let kept: String? = if case .session(let id) = principal.credential { id } else { nil }
            try await administration.setPassword(asked.password, of: user.id, hasher: sessions.hasher, keptSession: kept)
            return try AdminRoutes.json(AdminObjects.UserObject(user, teams: try await administration.stores.identities.teams(ofUser: user.id)))
        }
    }
}
