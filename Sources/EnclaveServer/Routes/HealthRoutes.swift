// Enclave server: /healthz and /readyz.

import EnclaveCore
import EnclaveGateway
import Foundation
public import Hummingbird

/// Liveness and readiness, without authentication.
///
/// - `GET /healthz`: 200 while the process serves HTTP.
/// - `GET /readyz`: 200 once every configured model is ready; 503 while any loads or has failed. The body
///   lists each model's state.
public struct HealthRoutes: Sendable {
    let backend: any InferenceBackend
    let modelIDs: [String]

    /// Creates the routes for the models the configuration declares.
    public init(backend: any InferenceBackend, modelIDs: [String]) {
        self.backend = backend
        self.modelIDs = modelIDs
    }

    /// Adds the routes.
    public func add(to router: Router<EnclaveRequestContext>) {
        router.get("healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("readyz") { _, _ in try await self.readiness() }
    }

    struct Readiness: Encodable {
        struct Model: Encodable {
            var id: String
            var state: String
            var error: String?
        }
        var status: String
        var models: [Model]
    }

    func readiness() async throws -> Response {
        var models: [Readiness.Model] = []
        for id in modelIDs {
            switch await backend.state(of: id) {
            case .ready: models.append(.init(id: id, state: "ready"))
            case .loading: models.append(.init(id: id, state: "loading"))
            case .failed(let reason): models.append(.init(id: id, state: "failed", error: reason))
            case nil: models.append(.init(id: id, state: "missing", error: "the backend does not serve this model"))
            }
        }
        let ready = models.allSatisfy { $0.state == "ready" }
        let failed = models.contains { $0.state == "failed" || $0.state == "missing" }
        let body = Readiness(status: ready ? "ready" : (failed ? "failed" : "loading"), models: models)
        let data = try JSONEncoder.api().encode(body)
        return Response(
            status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
