// Enclave server: /admin/v1/assistants.

import EnclaveCore
import EnclaveOpenAI
import Hummingbird

/// `GET|POST /admin/v1/assistants` and `GET|PATCH|DELETE /admin/v1/assistants/{id}`: assistants made through
/// the API. A declared one (config) is listed and shown but changing it is refused (409 `managed_by_config`).
struct AssistantAdminRoutes: Sendable {
    /// The answer to a DELETE, as OpenAI answers one: `{"id", "object": "assistant", "deleted": true}`.
    struct Deleted: Encodable {
        var id: String
        var object = "assistant"
        var deleted = true
    }

    let administration: AssistantAdministration
    let body: RequestBody

    init(administration: AssistantAdministration, maxBodyBytes: Int) {
        self.administration = administration
        self.body = RequestBody(maxBodyBytes: maxBodyBytes)
    }

    func add(to group: RouterGroup<EnclaveRequestContext>) {
        let store = administration.store
        group.get("assistants") { _, _ in
            try AdminRoutes.json(AdminObjects.List(data: try await store.assistants().map(AssistantObject.init)))
        }
        group.post("assistants") { request, _ in
            var request = request
            let fields = try await body.decode(AssistantFields.self, from: &request)
            let created = try await administration.create(try fields.assistant())
            return try AdminRoutes.json(AssistantObject(created), status: .created)
        }
        group.get("assistants/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let assistant = try await store.assistant(id: id) else { throw AdministrationError.notFound("assistant", id) }
            return try AdminRoutes.json(AssistantObject(assistant))
        }
        group.patch("assistants/{id}") { request, context in
            var request = request
            let fields = try await body.decode(AssistantFields.self, from: &request)
            if let id = fields.id, id != (try context.parameters.require("id")) {
                throw AssistantStoreError.invalid("id", "cannot be changed")
            }
            let updated = try await administration.update(try context.parameters.require("id")) { fields.apply(to: &$0) }
            return try AdminRoutes.json(AssistantObject(updated))
        }
        group.delete("assistants/{id}") { _, context in
            let id = try context.parameters.require("id")
            try await administration.delete(id)
            return try AdminRoutes.json(Deleted(id: id))
        }
    }
}
