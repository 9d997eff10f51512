// Enclave: what a request asks the model to continue.

/// The input of an inference: a conversation that the backend renders with the model's chat template,
/// or raw text that it tokenises as is.
public enum InferencePrompt: Sendable, Hashable {
    /// A conversation, rendered with the model's chat template, ending with the assistant's turn to speak.
    case chat([ChatTurn])
    /// Raw text to continue (the `/v1/completions` API).
    case text(String)
}
