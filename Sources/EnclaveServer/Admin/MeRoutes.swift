// Enclave server: /v1/me, the caller's own identity and keys.

public import EnclaveCore
public import EnclaveGateway
import EnclaveOpenAI
import Foundation
public import Hummingbird

/// `GET /v1/me` (who am I: user, teams, the credential in use, usage this month, limits) and `/v1/me/keys` (list, create and revoke
/// one's own keys). Any authenticated caller may use them; a key made here can do no more than the
/// credential that made it (its scopes and models are a subset).
public struct MeRoutes: Sendable {
    let administration: IdentityAdministration
    let body: RequestBody
    let limitsConfiguration: LimitsConfiguration
    let limitGate: LimitGate?

    /// Creates the routes; `limits` and `limitGate` are those of the `/v1` generations (for the limits
    /// `GET /v1/me` reports).
    public init(
        administration: IdentityAdministration,
        maxBodyBytes: Int,
        limits: LimitsConfiguration = LimitsConfiguration(),
        limitGate: LimitGate? = nil
    ) {
        self.administration = administration
        self.body = RequestBody(maxBodyBytes: maxBodyBytes)
        self.limitsConfiguration = limits
        self.limitGate = limitGate
    }

    /// The answer of `GET /v1/me`.
    struct Me: Encodable {
        var user: AdminObjects.UserObject
        var credential: Credential
        var usage: Usage
        var limits: Limits

        /// The user's usage this UTC month, every key and session together.
        struct Usage: Encodable {
            var since: String
            var requests: Int
            var promptTokens: Int
            var completionTokens: Int

            enum CodingKeys: String, CodingKey {
                case since, requests
                case promptTokens = "prompt_tokens"
                case completionTokens = "completion_tokens"
            }
        }

        struct Credential: Encodable {
            var type: String
            var id: String
            var name: String?
            var scopes: [String]
            var models: [String]?
        }
    }

    /// Adds the routes to a group (mounted at `/v1`).
    public func add(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("me") { _, context in
            let principal = try Self.principal(of: context)
            let user = try await administration.existingUser(principal.id)
            let teams = try await administration.stores.identities.teams(ofUser: user.id)
            let credential: Me.Credential
            switch principal.credential {
            case .apiKey(let id, let name):
                credential = .init(type: "api_key", id: id, name: name, scopes: principal.scopes.sorted().map(\.rawValue))
            case .session(let id):
                credential = .init(type: "session", id: id, scopes: principal.scopes.sorted().map(\.rawValue))
            }
            let month = UsageDay(administration.wallClock.now()).firstOfMonth
            let used = try await administration.stores.usage.totals(for: .user(user.id), since: month)
            let usage = Me.Usage(
                since: month.description,
                requests: used.requests,
                promptTokens: used.promptTokens,
                completionTokens: used.completionTokens
            )
            var me = Me(
                user: AdminObjects.UserObject(user, teams: teams),
                credential: credential,
                usage: usage,
                limits: await limits(of: principal)
            )
            me.credential.models = principal.allowedModels?.sorted()
            return try AdminRoutes.json(me)
        }
        group.get("me/keys") { _, context in
            let principal = try Self.principal(of: context)
            let keys = try await administration.stores.keys.list(ownedBy: principal.id).filter(\.isActive)
            return try AdminRoutes.json(AdminObjects.List(data: keys.map(AdminObjects.KeyObject.init)))
        }
        group.post("me/keys") { request, context in
            let principal = try Self.principal(of: context)
            var request = request
            let asked = try await body.decode(AdminRequests.CreateKey.self, from: &request)
            if asked.user != nil {
                throw OpenAIError.invalidRequest("Unknown parameter: 'user' (your own keys are yours; admins use /admin/v1/keys).", param: "user")
            }
            let scopes = try asked.requestedScopes()
            if let extra = scopes.subtracting(principal.scopes).sorted().first {
                throw AdministrationError.forbidden("a new key cannot have the '\(extra)' scope, which your credential lacks")
            }
            var models = asked.models.map(Set.init)
            if let allowed = principal.allowedModels {
                if let extra = models?.subtracting(allowed).sorted().first {
                    throw AdministrationError.forbidden("a new key cannot use the model '\(extra)', which your credential may not use")
                }
                models = models ?? allowed
            }
            let (key, secret) = try await administration.createKey(
                name: asked.name,
                userID: principal.id,
                scopes: scopes,
                allowedModels: models,
                expiresAt: try asked.expiry(now: administration.wallClock.now())
            )
            return try AdminRoutes.json(AdminObjects.CreatedKeyObject(key: .init(key), secret: secret.value), status: .created)
        }
        group.delete("me/keys/{key}") { _, context in
            let principal = try Self.principal(of: context)
            let key = try await administration.revokeKey(context.parameters.require("key"), ownedBy: principal.id)
            return try AdminRoutes.json(AdminObjects.KeyObject(key))
        }
    }

    static func principal(of context: EnclaveRequestContext) throws -> Principal {
        guard let principal = context.principal else { throw KeyAuthenticator.Failure.missing }
        return principal
    }
}
