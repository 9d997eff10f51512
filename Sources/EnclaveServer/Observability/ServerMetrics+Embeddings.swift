// Enclave server: metrics of /v1/embeddings.

import Metrics

extension ServerMetrics {
    /// Counts an embeddings request's input tokens (with the chat routes' prompt tokens, by team and model) and
    /// its inputs.
    public func recordEmbeddings(team: String?, model: String, inputs: Int, promptTokens: Int) {
        let team = team ?? Self.noTeam
        Counter(label: "enclave_prompt_tokens_total", dimensions: [("team", team), ("model", model)], factory: factory)
            .increment(by: promptTokens)
        Counter(label: "enclave_embedding_inputs_total", dimensions: [("team", team), ("model", model)], factory: factory)
            .increment(by: inputs)
    }
}
