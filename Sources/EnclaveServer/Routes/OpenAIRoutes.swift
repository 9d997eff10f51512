// Enclave server: the OpenAI-compatible API under /v1.

import Dispatch
public import EnclaveCore
public import EnclaveGateway
import EnclaveOpenAI
import Foundation
public import Hummingbird

/// `GET /v1/models`, `POST /v1/chat/completions`, `POST /v1/completions` and `POST /v1/embeddings`.
///
/// Each handler validates the request, lets the gateway prepare it (unknown model, loading model and
/// context overflow fail here, with their status), takes a place in the queue (429 when full), and then
/// answers as JSON or as an event stream. A client that disconnects cancels its generation.
public struct OpenAIRoutes: Sendable {
    let gateway: InferenceGateway
    let limits: LimitsConfiguration
    let metrics: ServerMetrics
    /// Rate limits and budgets (`limits.per_key|per_user|per_team`) and usage recording; `nil`: none.
    let limitGate: LimitGate?
    /// The embedding models (`/v1/embeddings`), by id.
    let embeddingModels: [String: any EmbeddingBackend]
    /// The assistants, used as models by their ids; `nil`: none.
    let assistants: AssistantPipeline?
    /// The guardrails of every completion; `nil`: none (tests of other concerns).
    let guardrails: GuardrailService?

    /// Creates the routes.
    /// - Parameters:
    ///   - embeddings: The embedding models served next to the gateway's chat models.
    ///   - guardrails: The guardrail policies applied to every chat and completion request.
    public init(
        gateway: InferenceGateway,
        limits: LimitsConfiguration,
        metrics: ServerMetrics,
        limitGate: LimitGate? = nil,
        embeddings: [any EmbeddingBackend] = [],
        assistants: AssistantPipeline? = nil,
        guardrails: GuardrailService? = nil
    ) {
        self.assistants = assistants
        self.guardrails = guardrails
        self.gateway = gateway
        self.limits = limits
        self.metrics = metrics
        self.limitGate = limitGate
        self.embeddingModels = Dictionary(embeddings.map { ($0.descriptor.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Adds the routes to a group (mounted at `/v1`).
    public func add(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("models") { _, context in try await self.listModels(for: self.principal(of: context)) }
        group.get("models/{id}") { _, context in
            try await self.model(id: context.parameters.require("id"), for: self.principal(of: context))
        }
        group.post("chat/completions") { request, context in try await self.chatCompletions(request: request, context: context) }
        group.post("completions") { request, context in try await self.completions(request: request, context: context) }
        group.post("embeddings") { request, context in try await self.embeddings(request: request, context: context) }
        // Any other path under /v1 is an OpenAI-shaped 404 (after authentication, like every /v1 route). A
        // known path asked with another method never gets here: the router answers it, and
        // MethodNotAllowedMiddleware turns that into 405 with `Allow`.
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete, .options, .init("TRACE")!] {
            group.on("**", method: method) { _, _ -> Response in throw OpenAIError.http(status: 404, reason: "Not Found") }
        }
    }

    /// The models the principal may use: the chat models, the embedding models, then the assistants.
    func listModels(for principal: Principal) async throws -> Response {
        let embeddings = embeddingModels.values.map(\.descriptor.modelDescriptor).sorted { $0.id < $1.id }
        let models = (await gateway.models() + embeddings).filter { principal.mayUse(model: $0.id) }
        let usable = try await assistants?.assistants(for: principal) ?? []
        return try jsonResponse(ModelList(models, assistants: usable))
    }

    /// A model the principal may use; any other is unknown, so a key learns nothing of models it may not use.
    func model(id: String, for principal: Principal) async throws -> Response {
        if let assistant = try await assistants?.assistant(named: id, for: principal) {
            return try jsonResponse(ModelList.Model(assistant: assistant))
        }
        guard principal.mayUse(model: id),
            let descriptor = await gateway.descriptor(of: id) ?? embeddingModels[id]?.descriptor.modelDescriptor
        else {
            throw InferenceError.unknownModel(id)
        }
        return try jsonResponse(ModelList.Model(descriptor))
    }

    /// Prepares an inference (tokenisation, context check) with its `max_tokens` first capped at the model's
    /// context: a larger value can never fit, so it gets the context-length 400 naming the value asked for,
    /// and no backend sees a count near `Int.max`.
    /// A model the principal's key may not use is unknown (404), as OpenAI answers for a model an account
    /// cannot see.
    /// - Parameter promptParameter: What a context overflow blames (`messages` or `prompt`).
    func prepare(
        _ inference: InferenceRequest,
        for principal: Principal,
        promptParameter: String,
        stats: RequestStats
    ) async throws -> PreparedInference {
        guard principal.mayUse(model: inference.model) else { throw InferenceError.unknownModel(inference.model) }
        if embeddingModels[inference.model] != nil {
            throw OpenAIError.invalidRequest(
                "The model '\(inference.model)' is an embedding model; send it to /v1/embeddings, not to a completion route.",
                param: "model",
                code: "model_not_supported"
            )
        }
        // One lookup of the model serves the metrics' label and the max_tokens cap.
        let descriptor = await gateway.descriptor(of: inference.model)
        if descriptor != nil {
            stats.update { $0.servedModel = inference.model }
        }
        var capped = inference
        let requested = inference.parameters.maxTokens
        if let requested, let context = descriptor?.contextLength, context > 0, requested > context {
            capped.parameters.maxTokens = context
        }
        do {
            return try await gateway.prepare(capped)
        } catch let error as InferenceError where error.code == .contextLengthExceeded {
            let facts = error.contextLength ?? (0, 0, 0)
            let overflow = InferenceError.contextLengthExceeded(
                promptTokens: facts.promptTokens,
                completionTokens: facts.completionTokens == 0 ? 0 : (requested ?? facts.completionTokens),
                limit: facts.limit
            )
            throw OpenAIError.from(overflow, promptParameter: promptParameter)
        }
    }

    /// The request's principal: every /v1 route is behind ``AuthenticationMiddleware``.
    func principal(of context: EnclaveRequestContext) throws -> Principal {
        guard let principal = context.principal else { throw KeyAuthenticator.Failure.missing }
        context.stats.update { $0.team = principal.primaryTeam?.name }
        return principal
    }

    func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder.openAI().encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func unixTime() -> Int { Int(Date().timeIntervalSince1970) }
}
