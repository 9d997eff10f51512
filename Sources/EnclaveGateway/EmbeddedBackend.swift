// Enclave gateway: the embedded CPU engine behind the backend seam.

public import EnclaveCore
import EnclaveEngine
import Foundation
public import Logging

/// Serves models with Enclave's own engine: each configured GGUF file gets an ``Engine`` (chat
/// template, tokenizer, continuous-batching runner with its own KV cache).
///
/// ``prepare(_:)`` renders and tokenises the prompt and checks it against the context before any
/// compute; ``generate(_:)`` streams text with stop strings applied, and cancelling the consuming
/// task cancels the sequence at the runner's next step.
public final class EmbeddedBackend: InferenceBackend {
    private struct Entry: Sendable {
        let descriptor: ModelDescriptor
        let engine: Engine
    }

    private let entries: [String: Entry]
    private let order: [String]

    /// The default KV cache budget per model when the configuration names none.
    public static let defaultKVBudgetBytes = 512 << 20
    /// The default context when the configuration names none: the model's own, at most this.
    public static let defaultMaxContext = 8192

    /// Loads every model of `configuration` (relative paths resolve against the working directory).
    /// - Throws: the engine's load errors (``GGUFError``, ``ModelError``, ``ChatTemplateError``), naming the file.
    public init(configuration: EnclaveConfiguration, logger: Logger) throws {
        var entries: [String: Entry] = [:]
        var order: [String] = []
        let created = Int(Date().timeIntervalSince1970)
        for model in configuration.models {
            let start = Date()
            let loaded = try Model(path: model.file)
            var runner = RunnerConfiguration()
            if let threads = model.threads { runner.threads = threads }
            runner.contextLength = model.contextLength ?? min(loaded.configuration.trainedContextLength, Self.defaultMaxContext)
            runner.kvBudgetBytes = model.kvBudgetBytes ?? Self.defaultKVBudgetBytes
            let engine = try Engine(model: loaded, configuration: runner)
            let descriptor = ModelDescriptor(id: model.id, ownedBy: "enclave", contextLength: engine.contextLength, created: created)
            entries[model.id] = Entry(descriptor: descriptor, engine: engine)
            order.append(model.id)
            logger.info("model loaded", metadata: [
                "model": "\(model.id)", "file": "\(model.file)", "architecture": "\(loaded.configuration.architecture.rawValue)",
                "context": "\(engine.contextLength)", "kv_positions": "\(engine.runner.kvCapacity)",
                "threads": "\(engine.runner.configuration.threads)",
                "template": "\(engine.usesFallbackTemplate ? "fallback" : engine.template.family.rawValue)",
                "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(start)))",
            ])
        }
        self.entries = entries
        self.order = order
    }

    public func models() async -> [ModelDescriptor] {
        order.compactMap { entries[$0]?.descriptor }
    }

    public func state(of model: String) async -> ModelState? {
        entries[model] == nil ? nil : .ready
    }

    public var capacity: Int {
        entries.values.reduce(0) { $0 + $1.engine.runner.configuration.maxSequences }
    }

    /// The engines' KV memory, sequences, prefix-cache hits and preemptions.
    public func gauges() async -> [BackendGauge] {
        order.flatMap { id -> [BackendGauge] in
            guard let runner = entries[id]?.engine.runner else { return [] }
            let s = runner.statistics
            let values: [(String, Int)] = [
                ("enclave_engine_kv_blocks_total", s.totalBlocks),
                ("enclave_engine_kv_blocks_used", s.usedBlocks),
                ("enclave_engine_kv_blocks_cached", s.cachedBlocks),
                ("enclave_engine_sequences_running", s.activeSequences),
                ("enclave_engine_sequences_waiting", s.waitingSequences),
                ("enclave_engine_prefix_cached_tokens_total", s.prefixCachedTokens),
                ("enclave_engine_processed_tokens_total", s.processedTokens),
                ("enclave_engine_generated_tokens_total", s.generatedTokens),
                ("enclave_engine_preemptions_total", s.preemptions),
                ("enclave_engine_steps_total", s.steps),
            ]
            return values.map { BackendGauge(name: $0.0, model: id, value: Double($0.1)) }
        }
    }

    /// Stops every engine.
    public func shutdown() {
        for entry in entries.values { entry.engine.shutdown() }
    }

    public func prepare(_ request: InferenceRequest) async throws -> PreparedInference {
        guard let entry = entries[request.model] else { throw InferenceError.unknownModel(request.model) }
        let engine = entry.engine
        let tokens: [Int32]
        switch request.prompt {
        case .chat(let turns):
            do {
                tokens = try engine.chatPrompt(turns.map { ChatMessage(role: $0.role, content: $0.content) })
            } catch let error as ChatTemplateError {
                throw InferenceError.invalidParameter("messages", "the model's chat template refused the conversation: \(error.message)")
            }
        case .text(let text):
            tokens = engine.textPrompt(text)
        }
        let limit = engine.contextLength
        guard !tokens.isEmpty else {
            throw InferenceError.invalidParameter("prompt", "the prompt is empty")
        }
        guard tokens.count < limit else {
            throw InferenceError.contextLengthExceeded(promptTokens: tokens.count, limit: limit)
        }
        // The whole KV cache bounds one sequence too (prompt plus completion).
        let room = min(limit, engine.runner.kvCapacity) - tokens.count
        guard room >= 1 else {
            throw InferenceError.contextLengthExceeded(promptTokens: tokens.count, limit: engine.runner.kvCapacity)
        }
        let maxTokens: Int
        if let requested = request.parameters.maxTokens {
            guard requested <= room else {
                if tokens.count + requested > limit {
                    throw InferenceError.contextLengthExceeded(promptTokens: tokens.count, completionTokens: requested, limit: limit)
                }
                throw InferenceError.invalidParameter("max_tokens", "max_tokens is \(requested), but only \(room) tokens fit after this \(tokens.count)-token prompt in the KV cache")
            }
            maxTokens = requested
        } else {
            maxTokens = room
        }
        return PreparedInference(request: request, promptTokens: tokens, maxTokens: maxTokens)
    }

    public func generate(_ prepared: PreparedInference) -> AsyncThrowingStream<InferenceEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<InferenceEvent, any Error>.makeStream()
        guard let entry = entries[prepared.request.model] else {
            continuation.finish(throwing: InferenceError.unknownModel(prepared.request.model))
            return stream
        }
        let engine = entry.engine
        let p = prepared.request.parameters
        var sampling = SamplingParameters()
        if let t = p.temperature { sampling.temperature = Float(t) }
        if let topP = p.topP { sampling.topP = Float(topP) }
        sampling.seed = p.seed
        sampling.presencePenalty = Float(p.presencePenalty)
        sampling.frequencyPenalty = Float(p.frequencyPenalty)
        sampling.topLogprobs = p.logprobs ? p.topLogprobs : 0
        let options = GenerationOptions(maxTokens: prepared.maxTokens, sampling: sampling, stop: p.stop)
        let wantLogprobs = p.logprobs
        let tokenizer = engine.tokenizer
        let task = Task {
            do {
                for try await event in try engine.generate(prompt: prepared.promptTokens, options: options) {
                    switch event {
                    case .started:
                        break
                    case .text(let text, let tokens):
                        let logprobs = wantLogprobs ? tokens.map { Self.logprob($0, tokenizer: tokenizer) } : []
                        continuation.yield(.delta(text: text, logprobs: logprobs))
                    case .finished(let reason, let usage):
                        continuation.yield(.finished(reason == .length ? .length : .stop,
                                                     InferenceUsage(promptTokens: usage.promptTokens, completionTokens: usage.completionTokens)))
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: Self.map(error))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private static func logprob(_ token: GeneratedToken, tokenizer: any Tokenizer) -> EnclaveCore.TokenLogprob {
        EnclaveCore.TokenLogprob(
            token: String(decoding: token.bytes, as: UTF8.self),
            bytes: token.bytes,
            logprob: Double(token.logprob),
            top: token.alternatives.map {
                TopLogprob(token: String(decoding: $0.bytes, as: UTF8.self), bytes: $0.bytes, logprob: Double($0.logprob))
            })
    }

    /// Engine errors in the gateway's terms.
    private static func map(_ error: any Error) -> any Error {
        switch error {
        case let e as ModelError where e.code == .contextLengthExceeded:
            return InferenceError.invalidParameter("max_tokens", e.message)
        case let e as ModelError:
            return InferenceError.internal(e.message)
        case let e as SamplingError:
            return InferenceError.invalidParameter("sampling", e.description)
        default:
            return error
        }
    }
}
