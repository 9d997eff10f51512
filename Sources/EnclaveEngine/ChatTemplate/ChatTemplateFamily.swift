// Enclave: the prompt format family of a chat template, for display.

/// The prompt format a chat template produces, recognised from the special markers in its source.
public enum ChatTemplateFamily: String, Sendable, Hashable, CaseIterable {
    /// `<|im_start|>role\n...<|im_end|>` (SmolLM2, Qwen2, many fine-tunes).
    case chatml
    /// `<s>[INST] <<SYS>>...<</SYS>> ... [/INST]` (Llama 2 chat).
    case llama2
    /// `<|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>` (Llama 3, 3.1, 3.2, 3.3).
    case llama3
    /// `[INST] ... [/INST]` without a `<<SYS>>` block (Mistral and Mixtral instruct).
    case mistral
    /// `<start_of_turn>role\n...<end_of_turn>` (Gemma, Gemma 2, Gemma 3).
    case gemma
    /// `<|user|>\n...</s>` (Zephyr, TinyLlama chat).
    case zephyr
    /// None of the above.
    case unknown

    /// Detects the family from a template's source text.
    /// - Parameter source: The Jinja source.
    public init(detectingIn source: String) {
        if source.contains("<|im_start|>") {
            self = .chatml
        } else if source.contains("<|start_header_id|>") {
            self = .llama3
        } else if source.contains("<start_of_turn>") {
            self = .gemma
        } else if source.contains("<<SYS>>") {
            self = .llama2
        } else if source.contains("[INST]") {
            self = .mistral
        } else if source.contains("<|user|>") && source.contains("<|assistant|>") {
            self = .zephyr
        } else {
            self = .unknown
        }
    }
}
