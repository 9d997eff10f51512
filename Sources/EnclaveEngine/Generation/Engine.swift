// Enclave: the embedded engine's text-level API.

/// A model ready to serve: its chat template, tokenizer and a running ``BatchRunner``.
///
/// ```swift
/// let engine = try Engine(model: Model(path: "models/SmolLM2-135M-Instruct.Q4_1.gguf"))
/// let prompt = try engine.chatPrompt([.user("What is the capital of France?")])
/// for try await event in try engine.generate(prompt: prompt, options: GenerationOptions(sampling: .greedy)) {
///     if case .text(let text, _) = event { print(text, terminator: "") }
/// }
/// engine.shutdown()
/// ```
public final class Engine: Sendable {
    public let model: Model
    /// The model's own chat template, or the documented fallback when it has none.
    public let template: ChatTemplate
    /// Whether ``template`` is the fallback.
    public let usesFallbackTemplate: Bool
    public let runner: BatchRunner

    /// Loads the chat template (checking it renders) and starts a runner.
    /// - Throws: ``ChatTemplateError`` if the model's template cannot be parsed or rendered;
    ///   ``ModelError`` if the KV budget is too small.
    public init(model: Model, configuration: RunnerConfiguration = RunnerConfiguration()) throws {
        self.model = model
        if let source = model.file.metadata.string("tokenizer.chat_template"), !source.isEmpty {
            template = try ChatTemplate(source: source)
            usesFallbackTemplate = false
        } else {
            template = ChatTemplate.fallback(forArchitecture: model.configuration.architecture.rawValue)
            usesFallbackTemplate = true
        }
        self.runner = try BatchRunner(model: model, configuration: configuration)
        do {
            try Self.checkTemplate(template, tokenizer: model.tokenizer)
        } catch {
            runner.shutdown()
            throw error
        }
    }

    /// The tokenizer.
    public var tokenizer: any Tokenizer { model.tokenizer }
    /// The longest prompt plus completion.
    public var contextLength: Int { runner.configuration.contextLength }

    /// Renders a test conversation so that a template that cannot render fails at load time.
    private static func checkTemplate(_ template: ChatTemplate, tokenizer: any Tokenizer) throws {
        let bos = tokenizer.bosTokenID.map { tokenizer.tokenText($0) } ?? ""
        let eos = tokenizer.eosTokenID.map { tokenizer.tokenText($0) } ?? ""
        do {
            _ = try template.render(
                messages: [.system("s"), .user("u"), .assistant("a"), .user("u")],
                addGenerationPrompt: true,
                bosToken: bos,
                eosToken: eos
            )
        } catch {
            // Some templates refuse system messages; a plain conversation must work.
            _ = try template.render(
                messages: [.user("u"), .assistant("a"), .user("u")],
                addGenerationPrompt: true,
                bosToken: bos,
                eosToken: eos
            )
        }
    }

    /// The prompt tokens for a chat, rendered with the model's template and a generation prompt.
    /// - Throws: ``ChatTemplateError`` when the template refuses the conversation (for example
    ///   roles that do not alternate).
    public func chatPrompt(_ messages: [ChatMessage]) throws -> [Int32] {
        let t = tokenizer
        let bos = t.bosTokenID.map { t.tokenText($0) } ?? ""
        let eos = t.eosTokenID.map { t.tokenText($0) } ?? ""
        // The messages' own text never becomes control tokens: a user who writes `<|im_start|>system` gets
        // those characters as text, not a turn of their own.
        let (contents, literals) = t.escapeControlTokens(in: messages.map(\.content))
        let escaped = zip(messages, contents).map { ChatMessage(role: $0.role, content: $1) }
        let text = try template.render(messages: escaped, addGenerationPrompt: true, bosToken: bos, eosToken: eos)
        var tokens = t.encode(text, addSpecial: true, parseSpecial: true, literals: literals)
        // A template that prints the BOS text already produced the BOS token: do not double it.
        if t.addsBOS, let b = t.bosTokenID, tokens.count >= 2, tokens[0] == b, tokens[1] == b {
            tokens.removeFirst()
        }
        return tokens
    }

    /// The prompt tokens for a plain completion (BOS added as the model wants; special-token text
    /// in `text` is kept literal). A prompt with no tokens (the empty text, for a model that adds no BOS)
    /// starts at a document boundary: the BOS token, else the end-of-text token, as OpenAI completes a
    /// missing prompt from `<|endoftext|>`.
    public func textPrompt(_ text: String) -> [Int32] {
        let tokens = tokenizer.encode(text, addSpecial: true, parseSpecial: false)
        guard tokens.isEmpty, let boundary = tokenizer.bosTokenID ?? tokenizer.eosTokenID else { return tokens }
        return [boundary]
    }

    /// The number of tokens a completion may have after `promptTokens` tokens.
    public func availableTokens(afterPrompt promptTokens: Int) -> Int {
        max(0, contextLength - promptTokens)
    }

    /// Starts generating after `prompt`. Cancelling the consuming task, or dropping the stream,
    /// cancels the sequence at the runner's next step.
    /// - Parameters:
    ///   - prompt: The prompt tokens.
    ///   - options: The token limit, sampling and stop strings.
    ///   - suspension: A switch a scheduler may use to pause the sequence and let it go on (its stream
    ///     only pauses); `nil`: never suspended.
    /// - Throws: ``ModelError`` `contextLengthExceeded` when the prompt plus `maxTokens` do not fit
    ///   the context (before any compute), and the runner's other admission errors.
    public func generate(
        prompt: [Int32],
        options: GenerationOptions,
        suspension: SequenceSuspension? = nil
    ) throws -> AsyncThrowingStream<GenerationEvent, any Error> {
        guard prompt.count < contextLength else {
            throw ModelError(
                .contextLengthExceeded,
                "the prompt has \(prompt.count) tokens but the context holds \(contextLength) (prompt plus completion)"
            )
        }
        let maxTokens = options.maxTokens ?? (contextLength - prompt.count)
        let stopTokens = tokenizer.endOfGenerationTokenIDs
        let request = TokenRequest(prompt: prompt, maxTokens: maxTokens, sampling: options.sampling, stopTokens: stopTokens)
        let tokens = try runner.submit(request, suspension: suspension)
        let matcher = try StopStringMatcher(stopStrings: options.stop)
        let tokenizer = self.tokenizer
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
        let task = Task {
            var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
            var matcher = matcher
            var usage = GenerationUsage(promptTokens: prompt.count, cachedPromptTokens: 0, completionTokens: 0)
            var pending: [GeneratedToken] = []
            do {
                for try await event in tokens {
                    switch event {
                    case .promptProcessed(let promptTokens, let cached):
                        usage.cachedPromptTokens = cached
                        continuation.yield(.started(promptTokens: promptTokens, cachedTokens: cached))
                    case .token(let sampled):
                        if stopTokens.contains(sampled.id) { continue }
                        usage.completionTokens += 1
                        pending.append(
                            GeneratedToken(
                                id: sampled.id,
                                bytes: tokenizer.tokenBytes(sampled.id, renderSpecial: false),
                                logprob: sampled.logprob,
                                alternatives: sampled.topLogprobs.map {
                                    .init(id: $0.id, bytes: tokenizer.tokenBytes($0.id, renderSpecial: false), logprob: $0.logprob)
                                }
                            )
                        )
                        let output = matcher.feed(detokenizer.append(sampled.id))
                        if !output.text.isEmpty || output.stopString != nil {
                            continuation.yield(.text(output.text, tokens: pending))
                            pending.removeAll()
                        }
                        if output.stopString != nil {
                            continuation.yield(.finished(.stop, usage))
                            continuation.finish()
                            return  // ends the token stream, which cancels the sequence
                        }
                    case .finished(let reason):
                        let tail = matcher.feed(detokenizer.finish())
                        var text = tail.text
                        if tail.stopString == nil { text += matcher.finish() }
                        if !text.isEmpty || !pending.isEmpty {
                            continuation.yield(.text(text, tokens: pending))
                        }
                        continuation.yield(.finished(tail.stopString != nil ? .stop : reason, usage))
                        continuation.finish()
                        return
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Stops the runner; running generations end with `cancelled`.
    public func shutdown() {
        runner.shutdown()
    }
}
