// Enclave: one request to a backend, before tokenisation.

/// One inference request as the API layer hands it to the gateway: which model, what prompt, which
/// parameters, and who asks.
public struct InferenceRequest: Sendable {
    /// The request id, also used in logs and in the API response id.
    public var id: String
    /// The model id, as listed by ``InferenceBackend/models()``.
    public var model: String
    /// The conversation or text to continue.
    public var prompt: InferencePrompt
    /// Validated sampling and output parameters.
    public var parameters: InferenceParameters
    /// Who asks (for fair queuing): a stable identifier such as the API key's id.
    public var principal: String
    /// The request's fields that Enclave does not read, as one JSON object (`{"top_k": 40}`), for a
    /// backend that forwards the request to an upstream server unchanged; `nil`: none. The embedded engine
    /// ignores it.
    public var passThrough: String?

    /// Creates a request.
    public init(id: String, model: String, prompt: InferencePrompt, parameters: InferenceParameters, principal: String) {
        self.id = id
        self.model = model
        self.prompt = prompt
        self.parameters = parameters
        self.principal = principal
    }
}

/// A request after ``InferenceBackend/prepare(_:)``: it was checked against the model, and (for a backend
/// that tokenises locally) its prompt tokens are known and fit the context.
public struct PreparedInference: Sendable {
    /// The original request.
    public var request: InferenceRequest
    /// The prompt, tokenised (after the chat template); `nil` when the backend leaves tokenisation to an
    /// upstream server, which then reports the count in the usage of ``InferenceEvent/finished(_:_:)``.
    public var promptTokens: [Int32]?
    /// The most tokens this sequence may generate: the request's limit, capped by the context left.
    public var maxTokens: Int

    /// Creates a prepared inference.
    public init(request: InferenceRequest, promptTokens: [Int32]?, maxTokens: Int) {
        self.request = request
        self.promptTokens = promptTokens
        self.maxTokens = maxTokens
    }

    /// How many tokens the prompt has, when the backend counted them (`nil`: the upstream counts).
    public var promptTokenCount: Int? { promptTokens?.count }
}
