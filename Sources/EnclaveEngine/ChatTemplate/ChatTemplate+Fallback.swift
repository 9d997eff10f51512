// Enclave: the templates used when a model file carries no chat template.

extension ChatTemplate {
    /// The Gemma prompt format, as Gemma 3's own template renders it for text: a BOS token, then
    /// `<start_of_turn>user\n...<end_of_turn>\n` and `<start_of_turn>model\n...<end_of_turn>\n` turns, with a system
    /// message merged into the first user turn (followed by a blank line), since Gemma has no system role. Messages
    /// are trimmed of surrounding whitespace as Gemma's template does. Unlike Gemma's template it does not refuse
    /// conversations whose roles do not alternate.
    public static let gemmaSource = """
        {{- bos_token -}}
        {%- if messages and messages[0]['role'] == 'system' -%}
            {%- set system_prefix = messages[0]['content'] | trim + '\\n\\n' -%}
            {%- set loop_messages = messages[1:] -%}
        {%- else -%}
            {%- set system_prefix = '' -%}
            {%- set loop_messages = messages -%}
        {%- endif -%}
        {%- for message in loop_messages -%}
            {%- set role = 'model' if message['role'] == 'assistant' else message['role'] -%}
            {{- '<start_of_turn>' + role + '\\n' + (system_prefix if loop.first and role == 'user' else '') -}}
            {{- message['content'] | trim + '<end_of_turn>\\n' -}}
        {%- endfor -%}
        {%- if add_generation_prompt -%}
            {{- '<start_of_turn>model\\n' -}}
        {%- endif -%}
        """

    /// The ChatML prompt format: `<|im_start|>role\ncontent<|im_end|>\n` for every message, then
    /// `<|im_start|>assistant\n` when a generation prompt is asked for. No default system message and no BOS.
    public static let chatMLSource = """
        {%- for message in messages -%}
            {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}
        {%- endfor -%}
        {%- if add_generation_prompt -%}
            {{- '<|im_start|>assistant\\n' -}}
        {%- endif -%}
        """

    /// The template to use for a model whose file has no `tokenizer.chat_template`: the Gemma format
    /// (``gemmaSource``) for the `gemma`, `gemma2`, `gemma3` (and `gemma3n`) architectures, ChatML (``chatMLSource``)
    /// for every other architecture.
    /// - Parameter architecture: The GGUF `general.architecture` value.
    public static func fallback(forArchitecture architecture: String) -> ChatTemplate {
        let source = architecture.lowercased().hasPrefix("gemma") ? gemmaSource : chatMLSource
        do {
            return try ChatTemplate(source: source)
        } catch {
            preconditionFailure("built-in chat template does not parse: \(error)")
        }
    }
}
