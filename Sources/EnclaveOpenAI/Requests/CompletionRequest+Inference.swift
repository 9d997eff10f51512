// Enclave OpenAI dialect: a text completion request as inference requests.

public import EnclaveCore

extension CompletionRequest {
    /// What an upstream server receives unchanged: the unknown fields, plus `user`, which Enclave accepts
    /// without using.
    public var passThroughJSON: String? {
        var fields = unknownFields
        if let user { fields["user"] = .string(user) }
        return JSONValue.objectText(fields)
    }

    /// OpenAI's default `max_tokens` for text completions.
    public static let defaultMaxTokens = 16
    /// The most prompts one request may carry.
    public static let maximumPrompts = 16

    /// The inference requests (one per prompt) this API request asks for.
    public func inferenceRequests(id: String, principal: String, limits: LimitsConfiguration) throws(InferenceError) -> [InferenceRequest] {
        guard !model.isEmpty else { throw .invalidParameter("model", "must not be empty") }
        let texts: [String]
        switch prompt {
        case .tokens:
            throw .invalidParameter("prompt", "token id prompts are not supported; send text")
        case .texts(let values):
            texts = values
        }
        guard !texts.isEmpty else { throw .invalidParameter("prompt", "must contain at least one prompt") }
        guard texts.count <= Self.maximumPrompts else {
            throw .invalidParameter("prompt", "at most \(Self.maximumPrompts) prompts per request, got \(texts.count)")
        }
        if echo == true { throw .invalidParameter("echo", "is not supported") }
        if let bestOf, bestOf != 1 { throw .invalidParameter("best_of", "only best_of = 1 is supported") }
        if let suffix, !suffix.isEmpty { throw .invalidParameter("suffix", "is not supported") }
        if streamOptions != nil, stream != true {
            throw .invalidParameter("stream_options", "is only allowed when stream is true")
        }
        let maxTokens = self.maxTokens ?? min(Self.defaultMaxTokens, limits.maxTokens ?? .max)
        let sampling = SamplingInput(
            temperature: temperature,
            topP: topP,
            maxTokens: ("max_tokens", maxTokens),
            stop: stop?.values ?? [],
            seed: seed,
            presencePenalty: presencePenalty,
            frequencyPenalty: frequencyPenalty,
            n: n,
            logitBias: logitBias,
            logprobs: logprobs != nil,
            topLogprobs: logprobs.map { ("logprobs", $0, 0...5) }
        )
        let parameters = try sampling.parameters(limits: limits)
        return texts.enumerated().map { index, text in
            var request = InferenceRequest(
                id: texts.count == 1 ? id : "\(id)-\(index)",
                model: model,
                prompt: .text(text),
                parameters: parameters,
                principal: principal
            )
            request.passThrough = passThroughJSON
            return request
        }
    }
}
