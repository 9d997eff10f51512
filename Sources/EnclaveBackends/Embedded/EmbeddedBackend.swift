// Enclave backends: the embedded CPU engine behind the backend seam, one model per backend.

public import EnclaveCore
public import EnclaveEngine
public import Foundation
public import Logging

/// Serves one model with Enclave's own engine: its GGUF file gets an ``Engine`` (chat template, tokenizer,
/// continuous-batching runner with its own KV cache), so each model has its own capacity and fails alone.
///
/// ``prepare(_:)`` renders and tokenises the prompt, checks it against the context and validates the sampling
/// parameters before any compute; ``generate(_:)`` streams text with stop strings applied, and cancelling the
/// consuming task cancels the sequence at the runner's next step. ``checkHealth()`` runs a short greedy
/// sanity generation.
///
/// ```swift
/// let backend = try EmbeddedBackend(model: ModelConfiguration(file: "models/SmolLM2-135M-Instruct.Q4_1.gguf"), logger: logger)
/// try await backend.checkHealth()
/// ```
public final class EmbeddedBackend: InferenceBackend {
    /// The model's id and description.
    public let descriptor: ModelDescriptor
    /// The engine serving it.
    public let engine: Engine

    /// The default KV cache budget when the configuration names none.
    public static let defaultKVBudgetBytes = 512 << 20
    /// The default context when the configuration names none: the model's own, at most this.
    public static let defaultMaxContext = 8192

    /// Loads the model (a relative path resolves against the working directory).
    /// - Parameters:
    ///   - model: The declared model.
    ///   - logger: Where the load is reported.
    ///   - now: The wall clock, for the descriptor's `created` time.
    /// - Throws: ``ModelLoadFailure`` saying what failed (its detail has the engine's error, naming the file).
    public init(model: ModelConfiguration, logger: Logger, now: @Sendable () -> Date = { Date() }) throws {
        let start = ContinuousClock.now
        let loaded: Model
        do {
            loaded = try Model(path: model.file)
        } catch {
            throw Self.loadFailure(error)
        }
        var runner = RunnerConfiguration()
        if let threads = model.threads { runner.threads = threads }
        runner.contextLength = model.contextLength ?? min(loaded.configuration.trainedContextLength, Self.defaultMaxContext)
        runner.kvBudgetBytes = model.kvBudgetBytes ?? Self.defaultKVBudgetBytes
        do {
            engine = try Engine(model: loaded, configuration: runner)
        } catch {
            throw Self.loadFailure(error)
        }
        descriptor = ModelDescriptor(
            id: model.id,
            ownedBy: "enclave",
            contextLength: engine.contextLength,
            created: Int(now().timeIntervalSince1970)
        )
        logger.info(
            "model loaded",
            metadata: [
                "model": "\(model.id)", "file": "\(model.file)", "architecture": "\(loaded.configuration.architecture.rawValue)",
                "context": "\(engine.contextLength)", "kv_positions": "\(engine.runner.kvCapacity)",
                "threads": "\(engine.runner.configuration.threads)",
                "template": "\(engine.usesFallbackTemplate ? "fallback" : engine.template.family.rawValue)",
                "duration": "\(ContinuousClock.now - start)",
            ]
        )
    }

    public func models() async -> [ModelDescriptor] { [descriptor] }

    public func state(of model: String) async -> ModelState? {
        model == descriptor.id ? .ready : nil
    }

    public var capacity: Int { engine.runner.configuration.maxSequences }

    /// The engine's KV memory and sequences (gauges), and its prefix-cache hits, tokens, preemptions and
    /// steps (counters).
    public func gauges() async -> [BackendGauge] {
        let s = engine.runner.statistics
        let id = descriptor.id
        let gauges: [(String, Int)] = [
            ("enclave_engine_kv_blocks_capacity", s.totalBlocks),
            ("enclave_engine_kv_blocks_used", s.usedBlocks),
            ("enclave_engine_kv_blocks_cached", s.cachedBlocks),
            ("enclave_engine_sequences_running", s.activeSequences),
            ("enclave_engine_sequences_waiting", s.waitingSequences),
            ("enclave_engine_sequences_suspended", s.suspendedSequences),
        ]
        let counters: [(String, Int)] = [
            ("enclave_engine_prefix_cached_tokens_total", s.prefixCachedTokens),
            ("enclave_engine_processed_tokens_total", s.processedTokens),
            ("enclave_engine_generated_tokens_total", s.generatedTokens),
            ("enclave_engine_preemptions_total", s.preemptions),
            ("enclave_engine_suspensions_total", s.suspensions),
            ("enclave_engine_steps_total", s.steps),
        ]
        return gauges.map { BackendGauge(name: $0.0, model: id, value: Double($0.1)) }
            + counters.map { BackendGauge(name: $0.0, model: id, value: Double($0.1), kind: .counter) }
    }

    /// Stops the engine.
    public func shutdown() async {
        engine.shutdown()
    }

    public func prepare(_ request: InferenceRequest) async throws -> PreparedInference {
        guard request.model == descriptor.id else { throw InferenceError.unknownModel(request.model) }
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
        let maxTokens = try Self.maxTokens(
            requested: request.parameters.maxTokens,
            promptTokens: tokens.count,
            context: engine.contextLength,
            kvCapacity: engine.runner.kvCapacity
        )
        // Sampling values and stop strings fail here, before the request takes a place in the queue.
        do {
            try Self.sampling(request.parameters).validate()
            _ = try StopStringMatcher(stopStrings: request.parameters.stop)
        } catch {
            throw Self.map(error)
        }
        return PreparedInference(request: request, promptTokens: tokens, maxTokens: maxTokens)
    }

    public func generate(_ prepared: PreparedInference) -> AsyncThrowingStream<InferenceEvent, any Error> {
        guard prepared.request.model == descriptor.id, let prompt = prepared.promptTokens else {
            return AsyncThrowingStream { $0.finish(throwing: InferenceError.unknownModel(prepared.request.model)) }
        }
        let p = prepared.request.parameters
        let options = GenerationOptions(maxTokens: prepared.maxTokens, sampling: Self.sampling(p), stop: p.stop)
        return Self.events(of: engine, prompt: prompt, options: options, logprobs: p.logprobs)
    }

    /// The engine's sampling parameters for a request's.
    static func sampling(_ p: InferenceParameters) -> SamplingParameters {
        var sampling = SamplingParameters()
        if let t = p.temperature { sampling.temperature = Float(t) }
        if let topP = p.topP { sampling.topP = Float(topP) }
        sampling.seed = p.seed
        sampling.presencePenalty = Float(p.presencePenalty)
        sampling.frequencyPenalty = Float(p.frequencyPenalty)
        sampling.topLogprobs = p.logprobs ? p.topLogprobs : 0
        return sampling
    }

    /// The engine's events in the gateway's terms.
    static func events(
        of engine: Engine,
        prompt: [Int32],
        options: GenerationOptions,
        logprobs wantLogprobs: Bool,
        suspension: SequenceSuspension? = nil
    ) -> AsyncThrowingStream<InferenceEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<InferenceEvent, any Error>.makeStream()
        let task = Task {
            do {
                for try await event in try engine.generate(prompt: prompt, options: options, suspension: suspension) {
                    switch event {
                    case .started:
                        break
                    case .text(let text, let tokens):
                        continuation.yield(.delta(text: text, logprobs: wantLogprobs ? tokens.map(Self.logprob) : []))
                    case .finished(let reason, let usage):
                        continuation.yield(
                            .finished(
                                reason == .length ? .length : .stop,
                                InferenceUsage(promptTokens: usage.promptTokens, completionTokens: usage.completionTokens)
                            )
                        )
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

    private static func logprob(_ token: GeneratedToken) -> TokenLogprob {
        TokenLogprob(
            token: String(decoding: token.bytes, as: UTF8.self),
            bytes: token.bytes,
            logprob: Double(token.logprob),
            top: token.alternatives.map {
                TopLogprob(token: String(decoding: $0.bytes, as: UTF8.self), bytes: $0.bytes, logprob: Double($0.logprob))
            }
        )
    }

    /// Engine errors in the gateway's terms.
    static func map(_ error: any Error) -> any Error {
        switch error {
        case let e as ModelError where e.code == .contextLengthExceeded:
            return InferenceError.invalidParameter("max_tokens", e.message)
        case let e as ModelError:
            return InferenceError.internal(e.message)
        case let e as SamplingError:
            return InferenceError.invalidParameter(e.parameter ?? "sampling", e.message)
        default:
            return error
        }
    }
}
