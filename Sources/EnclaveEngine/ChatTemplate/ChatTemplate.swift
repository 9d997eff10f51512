// Enclave: a model's chat template, parsed once and rendered per request.

public import Foundation

/// A model's chat template: the Jinja program in `tokenizer.chat_template` that turns a conversation into the prompt
/// text the model was trained on.
///
/// The template is parsed once, when the model loads, so a template this interpreter cannot handle is reported then and
/// not on the first request. Rendering follows Hugging Face's `apply_chat_template` byte for byte: Jinja with
/// `trim_blocks` and `lstrip_blocks` on, `raise_exception`, `strftime_now`, Hugging Face's `tojson`, and the variables
/// `messages`, `add_generation_prompt`, `bos_token`, `eos_token`, `tools` and `documents` (both `None`).
///
/// ```swift
/// let source = file.metadata.string("tokenizer.chat_template")
/// let template = try source.map(ChatTemplate.init(source:)) ?? .fallback(forArchitecture: architecture)
/// let prompt = try template.render(messages: [.user("Hi")], addGenerationPrompt: true,
///                                  bosToken: "<s>", eosToken: "</s>")
/// ```
///
/// The rendered text contains the model's special tokens as text (and, for templates that print `bos_token`, the BOS
/// token itself), so tokenize it with special-token parsing on and without adding another BOS.
public struct ChatTemplate: Sendable {
    /// The Jinja source.
    public let source: String
    /// The prompt format family, detected from the source (for display and diagnostics).
    public let family: ChatTemplateFamily
    private let program: [JinjaStatement]

    /// Parses a template.
    /// - Parameter source: The Jinja source, e.g. the GGUF `tokenizer.chat_template` value.
    /// - Throws: ``ChatTemplateError`` (``ChatTemplateError/Code/syntax`` or ``ChatTemplateError/Code/unsupported``)
    ///   with the line and column of the problem.
    public init(source: String) throws(ChatTemplateError) {
        self.source = source
        self.family = ChatTemplateFamily(detectingIn: source)
        self.program = try JinjaParser.parse(source)
    }

    /// Renders a conversation into prompt text.
    /// - Parameters:
    ///   - messages: The conversation, oldest first.
    ///   - addGenerationPrompt: Whether to end with the header that opens the assistant's reply (true for chat
    ///     completion requests).
    ///   - bosToken: The text of the model's BOS token, e.g. `<s>`; some templates print it.
    ///   - eosToken: The text of the model's EOS token, e.g. `</s>`; some templates close turns with it.
    ///   - variables: Extra template variables (for example `tools`, `date_string` or `enable_thinking`); they
    ///     override the defaults above.
    ///   - now: The time `strftime_now` reports (templates such as Llama 3.2's print today's date).
    /// - Returns: The prompt text.
    /// - Throws: ``ChatTemplateError``: ``ChatTemplateError/Code/raised`` with the template's own message when it
    ///   refuses the conversation (e.g. roles that do not alternate), otherwise a runtime or limit error.
    public func render(
        messages: [ChatMessage],
        addGenerationPrompt: Bool,
        bosToken: String,
        eosToken: String,
        variables: [String: ChatTemplateValue] = [:],
        now: Date = Date()
    ) throws(ChatTemplateError) -> String {
        var context: [String: ChatTemplateValue] = [
            "messages": .array(messages.map { .object([.init("role", .string($0.role)), .init("content", .string($0.content))]) }),
            "add_generation_prompt": .bool(addGenerationPrompt),
            "bos_token": .string(bosToken),
            "eos_token": .string(eosToken),
            "tools": .none,
            "documents": .none,
        ]
        context.merge(variables) { _, new in new }
        return try render(context: context, now: now)
    }

    /// Renders the template with exactly the given variables (no defaults).
    /// - Parameters:
    ///   - context: The template variables.
    ///   - now: The time `strftime_now` reports.
    /// - Returns: The rendered text.
    public func render(context: [String: ChatTemplateValue], now: Date = Date()) throws(ChatTemplateError) -> String {
        let interpreter = JinjaInterpreter(variables: context.mapValues(JinjaValue.init), now: now)
        return try interpreter.render(program)
    }
}

extension JinjaValue {
    init(_ value: ChatTemplateValue) {
        switch value {
        case .none: self = .none
        case .bool(let flag): self = .bool(flag)
        case .int(let integer): self = .int(integer)
        case .double(let number): self = .double(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .list(items.map(JinjaValue.init))
        case .object(let members): self = .dict(JinjaDict(members.map { (.string($0.key), JinjaValue($0.value)) }))
        }
    }
}
