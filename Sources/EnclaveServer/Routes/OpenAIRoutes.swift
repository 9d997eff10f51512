// Enclave server: the OpenAI-compatible API under /v1.

import Dispatch
import EnclaveCore
import EnclaveGateway
import Foundation
public import Hummingbird

/// `GET /v1/models`, `POST /v1/chat/completions` and `POST /v1/completions`.
///
/// Each handler validates the request, lets the gateway prepare it (unknown model, loading model and
/// context overflow fail here, with their status), takes a place in the queue (429 when full), and then
/// answers as JSON or as an event stream. A client that disconnects cancels its generation.
public struct OpenAIRoutes: Sendable {
    let gateway: InferenceGateway
    let limits: LimitsConfiguration
    let metrics: ServerMetrics

    /// Creates the routes.
    public init(gateway: InferenceGateway, limits: LimitsConfiguration, metrics: ServerMetrics) {
        self.gateway = gateway
        self.limits = limits
        self.metrics = metrics
    }

    /// Adds the routes to a group (mounted at `/v1`).
    public func add(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("models") { _, _ in try await self.listModels() }
        group.get("models/{id}") { _, context in try await self.model(id: context.parameters.require("id")) }
        group.post("chat/completions") { request, context in try await self.chatCompletions(request: request, context: context) }
        group.post("completions") { request, context in try await self.completions(request: request, context: context) }
    }

    func listModels() async throws -> Response {
        try jsonResponse(ModelList(await gateway.models()))
    }

    func model(id: String) async throws -> Response {
        guard let descriptor = await gateway.models().first(where: { $0.id == id }) else {
            throw InferenceError.unknownModel(id)
        }
        let model = ModelList([descriptor]).data[0]
        return try jsonResponse(model)
    }

    /// The request's principal: every /v1 route is behind ``AuthenticationMiddleware``.
    func principal(of context: EnclaveRequestContext) throws -> Principal {
        guard let principal = context.principal else { throw KeyAuthenticator.Failure.missing }
        return principal
    }

    func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder.api().encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func unixTime() -> Int { Int(Date().timeIntervalSince1970) }
}
