// Enclave server: checking OpenAI sampling parameters and turning them into inference parameters.

import EnclaveCore

/// The sampling parameters chat and text completions share, checked against OpenAI's ranges and
/// Enclave's limits. Every error names the parameter.
struct SamplingInput {
    var temperature: Double?
    var topP: Double?
    var maxTokens: (name: String, value: Int)?
    var stop: [String]
    var seed: Int64?
    var presencePenalty: Double?
    var frequencyPenalty: Double?
    var n: Int?
    var logitBias: [String: Double]?
    var logprobs: Bool
    var topLogprobs: (name: String, value: Int, range: ClosedRange<Int>)?

    /// Validated parameters.
    /// - Parameter limits: The server's limits (`max_tokens` cap).
    func parameters(limits: LimitsConfiguration) throws(InferenceError) -> InferenceParameters {
        if let temperature, !(temperature.isFinite && (0...2).contains(temperature)) {
            throw .invalidParameter("temperature", "must be a number from 0 to 2, got \(temperature)")
        }
        if let topP, !(topP.isFinite && topP > 0 && topP <= 1) {
            throw .invalidParameter("top_p", "must be greater than 0 and at most 1, got \(topP)")
        }
        if let presencePenalty, !(presencePenalty.isFinite && (-2...2).contains(presencePenalty)) {
            throw .invalidParameter("presence_penalty", "must be a number from -2 to 2, got \(presencePenalty)")
        }
        if let frequencyPenalty, !(frequencyPenalty.isFinite && (-2...2).contains(frequencyPenalty)) {
            throw .invalidParameter("frequency_penalty", "must be a number from -2 to 2, got \(frequencyPenalty)")
        }
        if let n, n != 1 {
            throw .invalidParameter("n", "only n = 1 is supported, got \(n)")
        }
        if let logitBias, !logitBias.isEmpty {
            throw .invalidParameter("logit_bias", "is not supported")
        }
        if stop.count > 4 {
            throw .invalidParameter("stop", "at most 4 stop sequences are allowed, got \(stop.count)")
        }
        if stop.contains(where: \.isEmpty) {
            throw .invalidParameter("stop", "stop sequences must not be empty")
        }
        var maxTokensValue: Int?
        if let (name, value) = maxTokens {
            guard value >= 1 else { throw .invalidParameter(name, "must be at least 1, got \(value)") }
            if let cap = limits.maxTokens, value > cap {
                throw .invalidParameter(name, "must be at most \(cap) on this server, got \(value)")
            }
            maxTokensValue = value
        } else {
            maxTokensValue = limits.maxTokens
        }
        var topLogprobsValue = 0
        if let (name, value, range) = topLogprobs {
            guard range.contains(value) else {
                throw .invalidParameter(name, "must be from \(range.lowerBound) to \(range.upperBound), got \(value)")
            }
            topLogprobsValue = value
        }
        return InferenceParameters(
            maxTokens: maxTokensValue, temperature: temperature, topP: topP, seed: seed.map { UInt64(bitPattern: $0) },
            stop: stop, presencePenalty: presencePenalty ?? 0, frequencyPenalty: frequencyPenalty ?? 0,
            logprobs: logprobs, topLogprobs: topLogprobsValue)
    }
}

extension ChatCompletionRequest {
    /// The roles Enclave accepts; `developer` is OpenAI's newer name for `system`.
    static let roles = ["system", "developer", "user", "assistant"]

    /// The inference request this API request asks for.
    func inferenceRequest(id: String, principal: String, limits: LimitsConfiguration) throws(InferenceError) -> InferenceRequest {
        guard !model.isEmpty else { throw .invalidParameter("model", "must not be empty") }
        guard !messages.isEmpty else { throw .invalidParameter("messages", "must contain at least one message") }
        var turns: [ChatTurn] = []
        for (index, message) in messages.enumerated() {
            guard Self.roles.contains(message.role) else {
                throw .invalidParameter(
                    "messages[\(index)].role", "'\(message.role)' is not supported; use system, user or assistant")
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
                            "messages[\(index)].content[\(partIndex)].type", "only text parts are supported, got '\(part.type)'")
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
            temperature: temperature, topP: topP, maxTokens: maxTokens, stop: stop?.values ?? [], seed: seed,
            presencePenalty: presencePenalty, frequencyPenalty: frequencyPenalty, n: n, logitBias: logitBias,
            logprobs: logprobs ?? false, topLogprobs: topLogprobs.map { ("top_logprobs", $0, 0...20) })
        return InferenceRequest(
            id: id, model: model, prompt: .chat(turns), parameters: try sampling.parameters(limits: limits), principal: principal)
    }
}

extension CompletionRequest {
    /// OpenAI's default `max_tokens` for text completions.
    static let defaultMaxTokens = 16
    /// The most prompts one request may carry.
    static let maximumPrompts = 16

    /// The inference requests (one per prompt) this API request asks for.
    func inferenceRequests(id: String, principal: String, limits: LimitsConfiguration) throws(InferenceError) -> [InferenceRequest] {
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
            temperature: temperature, topP: topP, maxTokens: ("max_tokens", maxTokens), stop: stop?.values ?? [], seed: seed,
            presencePenalty: presencePenalty, frequencyPenalty: frequencyPenalty, n: n, logitBias: logitBias,
            logprobs: logprobs != nil, topLogprobs: logprobs.map { ("logprobs", $0, 0...5) })
        let parameters = try sampling.parameters(limits: limits)
        return texts.enumerated().map { index, text in
            InferenceRequest(
                id: texts.count == 1 ? id : "\(id)-\(index)", model: model, prompt: .text(text), parameters: parameters,
                principal: principal)
        }
    }
}
