// Enclave server: /healthz and /readyz.

import EnclaveCore
public import EnclaveGateway
import Foundation
public import Hummingbird

/// Liveness and readiness, without authentication.
///
/// - `GET /healthz`: 200 while the process serves HTTP.
/// - `GET /readyz`: 200 once every routed model is ready; 503 while any loads or has failed (the others
///   serve meanwhile). The body lists each model's state (`loading`, `ready`, `failed`, `missing`) and, for
///   a failed one, what failed in general terms: this route is unauthenticated, so file paths and the
///   underlying error go to the log only. With upstream servers, `upstreams` lists each replica's breaker
///   state (`closed`, `open`, `half_open`) by backend name and position, never its URL.
public struct HealthRoutes: Sendable {
    let gateway: InferenceGateway

    /// Creates the routes for the models the gateway routes.
    public init(gateway: InferenceGateway) {
        self.gateway = gateway
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
        struct Replica: Encodable {
            var backend: String
            var replica: Int
            var state: String
            var outstanding: Int
        }
        var status: String
        var models: [Model]
        /// The upstream servers' replicas (absent without `backends:`).
        var upstreams: [Replica]?
    }

    func readiness() async throws -> Response {
        var models: [Readiness.Model] = []
        for status in await gateway.statuses() {
            let error: String? =
                switch status.state {
                case .failed(let reason): reason
                case nil: "the backend does not serve this model"
                default: nil
                }
            models.append(.init(id: status.id, state: status.stateName, error: error))
        }
        let ready = models.allSatisfy { $0.state == ModelState.ready.name }
        let failed = models.contains { $0.state == ModelState.failed("").name || $0.state == ModelState.missingName }
        let replicas = gateway.replicas().map {
            Readiness.Replica(backend: $0.backend, replica: $0.index, state: $0.state, outstanding: $0.outstanding)
        }
        let body = Readiness(status: ready ? "ready" : (failed ? "failed" : "loading"), models: models, upstreams: replicas.isEmpty ? nil : replicas)
        let data = try JSONEncoder.api().encode(body)
        return Response(
            status: ready ? .ok : .serviceUnavailable,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
