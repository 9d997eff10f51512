// Enclave OpenAI dialect: a chat completion request as an inference request.

public import EnclaveCore

extension ChatCompletionRequest {
    /// What an upstream server receives unchanged: the unknown fields, plus `user`, which Enclave accepts
    /// without using.
    public var passThroughJSON: String? {
        var fields = unknownFields
        if let user { fields["user"] = .string(user) }
        return JSONValue.objectText(fields)
    }

    /// The roles Enclave accepts; `developer` is OpenAI's newer name for `system`.
    public static let roles = ["system", "developer", "user", "assistant"]

    /// The inference request this API request asks for, after checking every parameter.
    /// - Throws: ``InferenceError/invalidParameter(_:_:)`` naming the parameter.
    public func inferenceRequest(id: String, principal: String, limits: LimitsConfiguration) throws(InferenceError) -> InferenceRequest {
        guard !model.isEmpty else { throw .invalidParameter("model", "must not be empty") }
        guard !messages.isEmpty else { throw .invalidParameter("messages", "must contain at least one message") }
        var turns: [ChatTurn] = []
        for (index, message) in messages.enumerated() {
            guard Self.roles.contains(message.role) else {
                throw .invalidParameter(
                    "messages[\(index)].role",
                    "'\(message.role)' is not supported; use system, user or assistant"
                )
            }
            let role = message.role == "developer" ? "system" : message.role
            let text: String
            switch message.content {
            case nil:
                guard role == "assistant" else { throw .invalidParameter("messages[\(index)].content", "is required") }
                text = ""
            case .text(let value):
                text = value
            case .parts(let parts):
                var pieces: [String] = []
                for (partIndex, part) in parts.enumerated() {
                    guard part.type == "text" else {
                        throw .invalidParameter(
                            "messages[\(index)].content[\(partIndex)].type",
                            "only text parts are supported, got '\(part.type)'"
                        )
                    }
                    guard let partText = part.text else {
                        throw .invalidParameter("messages[\(index)].content[\(partIndex)].text", "is required for a text part")
                    }
                    pieces.append(partText)
                }
                text = pieces.joined(separator: "\n")
            }
            turns.append(ChatTurn(role: role, content: text))
        }
        if let tools, !tools.isEmpty { throw .invalidParameter("tools", "tool calling is not supported") }
        if let functions, !functions.isEmpty { throw .invalidParameter("functions", "function calling is not supported") }
        if let responseFormat, responseFormat.type != "text" {
            throw .invalidParameter("response_format", "only the 'text' format is supported, got '\(responseFormat.type)'")
        }
        if streamOptions != nil, stream != true {
            throw .invalidParameter("stream_options", "is only allowed when stream is true")
        }
        if topLogprobs != nil, logprobs != true {
            throw .invalidParameter("top_logprobs", "requires logprobs to be true")
        }
        let maxTokens: (String, Int)? = maxCompletionTokens.map { ("max_completion_tokens", $0) } ?? self.maxTokens.map { ("max_tokens", $0) }
        let sampling = SamplingInput(
            temperature: temperature,
            topP: topP,
            maxTokens: maxTokens,
            stop: stop?.values ?? [],
            seed: seed,
            presencePenalty: presencePenalty,
            frequencyPenalty: frequencyPenalty,
            n: n,
            logitBias: logitBias,
            logprobs: logprobs ?? false,
            topLogprobs: topLogprobs.map { ("top_logprobs", $0, 0...20) }
        )
        var request = InferenceRequest(
            id: id,
            model: model,
            prompt: .chat(turns),
            parameters: try sampling.parameters(limits: limits),
            principal: principal
        )
        request.passThrough = passThroughJSON
        return request
    }
}
