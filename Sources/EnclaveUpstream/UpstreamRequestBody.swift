// Enclave upstream: the body Enclave sends to an OpenAI-compatible upstream.

import EnclaveCore
import EnclaveOpenAI
import Foundation

/// Builds the JSON body of an upstream request from an inference request: the upstream's model name, the
/// conversation (`/chat/completions`) or the text (`/completions`), the parameters the client set, the
/// client's fields Enclave does not know (unchanged), and always `stream: true` with
/// `stream_options.include_usage`, so that usage is counted for limits and budgets even when the client
/// did not stream.
enum UpstreamRequestBody {
    /// The path under the replica's base URL.
    static func path(for prompt: InferencePrompt) -> String {
        switch prompt {
        case .chat: "/chat/completions"
        case .text: "/completions"
        }
    }

    /// The body's bytes.
    static func encode(_ request: InferenceRequest, upstreamModel: String, maxTokens: Int?) throws -> Data {
        var fields = JSONValue.fields(ofObject: request.passThrough)
        let parameters = request.parameters
        fields["model"] = .string(upstreamModel)
        switch request.prompt {
        case .chat(let turns):
            fields["messages"] = .array(turns.map { .object(["role": .string($0.role), "content": .string($0.content)]) })
        case .text(let text):
            fields["prompt"] = .string(text)
        }
        if let maxTokens { fields["max_tokens"] = .number(Double(maxTokens)) }
        if let temperature = parameters.temperature { fields["temperature"] = .number(temperature) }
        if let topP = parameters.topP { fields["top_p"] = .number(topP) }
        if let seed = parameters.seed { fields["seed"] = .number(Double(Int64(truncatingIfNeeded: seed))) }
        if !parameters.stop.isEmpty { fields["stop"] = .array(parameters.stop.map(JSONValue.string)) }
        if parameters.presencePenalty != 0 { fields["presence_penalty"] = .number(parameters.presencePenalty) }
        if parameters.frequencyPenalty != 0 { fields["frequency_penalty"] = .number(parameters.frequencyPenalty) }
        fields["stream"] = .bool(true)
        fields["stream_options"] = .object(["include_usage": .bool(true)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(fields)
    }
}
