// Enclave server: /admin/v1/keys.

import EnclaveCore
import EnclaveOpenAI
import Hummingbird

extension AdminRoutes {
    func addKeyRoutes(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("keys") { request, _ in
            var keys = try await stores.keys.list()
            if let user = request.uri.queryParameters.get("user") {
                let owner = try await administration.existingUser(user)
                keys.removeAll { $0.userID != owner.id }
            }
            if request.uri.queryParameters.get("include_revoked") != "true" { keys.removeAll { !$0.isActive } }
            return try Self.json(AdminObjects.List(data: keys.map(AdminObjects.KeyObject.init)))
        }
        group.post("keys") { request, _ in
            var request = request
            let asked = try await body.decode(AdminRequests.CreateKey.self, from: &request)
            guard let user = asked.user else {
                throw OpenAIError.invalidRequest("Missing required parameter: 'user'.", param: "user")
            }
            let owner = try await administration.existingUser(user)
            let (key, secret) = try await administration.createKey(
                name: asked.name,
                userID: owner.id,
                scopes: try asked.requestedScopes(),
                allowedModels: asked.models.map(Set.init),
                expiresAt: try asked.expiry(now: administration.wallClock.now())
            )
            return try Self.json(AdminObjects.CreatedKeyObject(key: .init(key), secret: secret.value), status: .created)
        }
        group.delete("keys/{key}") { _, context in
            let key = try await administration.revokeKey(context.parameters.require("key"))
            return try Self.json(AdminObjects.KeyObject(key))
        }
    }
}
