// Enclave OpenAI dialect: a chat completion request sent to an assistant.

public import EnclaveCore

extension ChatCompletionRequest {
    /// Sends the request to the assistant's base model, with the assistant's sampling defaults filling only
    /// what the request leaves unset (`max_completion_tokens` counts as a set `max_tokens`).
    public mutating func applyDefaults(of assistant: Assistant) {
        model = assistant.model
        let asked = Assistant.Sampling(temperature: temperature, topP: topP, maxTokens: maxCompletionTokens ?? maxTokens)
        let filled = assistant.sampling.filling(asked)
        temperature = filled.temperature
        topP = filled.topP
        if maxCompletionTokens == nil { maxTokens = filled.maxTokens }
    }
}
