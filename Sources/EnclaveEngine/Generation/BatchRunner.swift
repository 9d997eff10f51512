// Enclave: continuous batching over the forward pass.

import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs many sequences through one model at once (continuous batching).
///
/// A dedicated thread loops over forward steps. Each step holds one token of every decoding
/// sequence (weights are read once per step for all of them) plus prompt chunks of sequences that
/// are prefilling, so a long prompt never freezes the others. New requests are admitted between
/// steps when the KV cache has room; a request that cannot get memory waits, and one that could
/// never fit is refused at ``submit(_:)``. Full KV blocks are registered in a prefix cache, so a
/// request sharing a prefix with an earlier one (a system prompt, retrieved documents, a chat's
/// earlier turns) reuses those blocks instead of recomputing them. When memory runs out while
/// sequences grow, the most recently admitted one is preempted (its blocks released, its tokens
/// kept) and resumed later by recomputation, which the prefix cache makes cheap. A consumer that
/// stops listening frees its sequence's slot and memory at the next step.
public final class BatchRunner: Sendable {
    /// The settings in use (context length already capped by the model).
    public let configuration: RunnerConfiguration
    /// The model's hyperparameters.
    public let modelConfiguration: ModelHyperparameters

    let state: Mutex<State>
    let wakeup = DispatchSemaphore(value: 0)
    let stopping = Atomic<Bool>(false)
    let finished = DispatchSemaphore(value: 0)
    let core: RunnerCore

    struct State: ~Copyable {
        var inbox: [RunnerSequence] = []
        var nextID = 0
        var statistics = RunnerStatistics()
    }

    /// Creates the runner and starts its thread.
    /// - Throws: ``ModelError`` if the KV budget cannot hold one block.
    public init(model: Model, configuration: RunnerConfiguration) throws {
        var config = configuration
        config.contextLength = max(1, min(config.contextLength, model.configuration.trainedContextLength))
        config.maxBatchTokens = max(1, config.maxBatchTokens)
        config.maxSequences = max(1, min(config.maxSequences, config.maxBatchTokens))
        self.configuration = config
        modelConfiguration = model.configuration
        let cache = try KVCache(configuration: model.configuration, budgetBytes: config.kvBudgetBytes, blockSize: config.blockSize)
        let pool = ThreadPool(threads: config.threads)
        let transformer = Transformer(
            configuration: model.configuration,
            weights: model.weights,
            cache: cache,
            pool: pool,
            maxBatch: config.maxBatchTokens,
            maxContext: config.contextLength
        )
        transformer.activationPrecision = config.activationPrecision
        core = RunnerCore(transformer: transformer, configuration: config)
        state = Mutex(State())
        let thread = Thread { [self] in self.loop() }
        thread.name = "enclave-runner"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Positions the KV cache can hold in all.
    public var kvCapacity: Int { core.transformer.cache.capacity }

    /// Queues a request and returns its token events. Cancelling the consuming task (or dropping
    /// the stream) cancels the sequence within one step.
    /// - Parameters:
    ///   - request: The prompt, the token limit, the sampling and the stop tokens.
    ///   - suspension: A switch that takes the sequence out of the batch and lets it go on (see
    ///     ``SequenceSuspension``); `nil`: only memory pressure ever preempts it.
    /// - Throws: ``ModelError`` if the prompt is empty or has an id outside the vocabulary, if the
    ///   prompt plus `maxTokens` exceed the context, or if it could never fit in the KV cache;
    ///   ``SamplingError`` for invalid sampling parameters.
    public func submit(_ request: TokenRequest, suspension: SequenceSuspension? = nil) throws -> AsyncThrowingStream<TokenEvent, any Error> {
        guard !request.prompt.isEmpty else {
            throw ModelError(.invalidRequest, "the prompt is empty")
        }
        let vocabulary = modelConfiguration.vocabularySize
        if let bad = request.prompt.first(where: { $0 < 0 || Int($0) >= vocabulary }) {
            throw ModelError(.invalidRequest, "token id \(bad) is outside the vocabulary (0..<\(vocabulary))")
        }
        guard request.maxTokens >= 1 else {
            throw ModelError(.invalidRequest, "max tokens must be at least 1")
        }
        // Overflow-safe: `maxTokens` may come from a client (this target is built without overflow checks).
        let (needed, overflow) = request.prompt.count.addingReportingOverflow(request.maxTokens)
        guard !overflow, needed <= configuration.contextLength else {
            throw ModelError(
                .contextLengthExceeded,
                "the prompt has \(request.prompt.count) tokens and \(request.maxTokens) more were requested, but the context holds \(configuration.contextLength)"
            )
        }
        guard needed <= kvCapacity else {
            throw ModelError(
                .outOfMemory,
                "the prompt and completion need \(needed) positions but the whole KV cache holds \(kvCapacity); raise the KV budget"
            )
        }
        let sampler = try Sampler(parameters: request.sampling, vocabularySize: vocabulary)
        guard !stopping.load(ordering: .relaxed) else {
            throw ModelError(.invalidRequest, "the runner is shutting down")
        }
        let (stream, continuation) = AsyncThrowingStream<TokenEvent, any Error>.makeStream()
        let sequence = state.withLock { state -> RunnerSequence in
            state.nextID += 1
            let s = RunnerSequence(id: state.nextID, request: request, sampler: sampler, continuation: continuation, suspension: suspension)
            state.inbox.append(s)
            return s
        }
        let handle = sequence.handle
        suspension?.onChange { [wakeup] in wakeup.signal() }
        continuation.onTermination = { [wakeup] _ in
            handle.cancelled.store(true, ordering: .relaxed)
            wakeup.signal()
        }
        wakeup.signal()
        return stream
    }

    /// A snapshot of the runner's counters.
    public var statistics: RunnerStatistics {
        state.withLock { $0.statistics }
    }

    /// Stops the runner: running and waiting sequences end with a `cancelled` finish; the thread
    /// exits and the worker threads are joined. Safe to call more than once.
    public func shutdown() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        wakeup.signal()
        finished.wait()
        core.transformer.pool.shutdown()
    }

    private func loop() {
        while true {
            let incoming = state.withLock { state -> [RunnerSequence] in
                let items = state.inbox
                state.inbox.removeAll()
                return items
            }
            core.enqueue(incoming)
            if stopping.load(ordering: .relaxed) {
                core.cancelAll()
                break
            }
            let worked = core.step()
            let snapshot = core.statistics
            state.withLock { $0.statistics = snapshot }
            if !worked {
                wakeup.wait()
            }
        }
        finished.signal()
    }
}

/// Counters of a ``BatchRunner``, for metrics and benchmarks.
public struct RunnerStatistics: Sendable, Hashable {
    /// Sequences in the batch.
    public var activeSequences = 0
    /// Sequences waiting for memory or a slot.
    public var waitingSequences = 0
    /// KV blocks in use by sequences.
    public var usedBlocks = 0
    /// KV blocks in all.
    public var totalBlocks = 0
    /// Full blocks kept for prefix reuse that no sequence uses now.
    public var cachedBlocks = 0
    /// Prompt tokens served from the prefix cache since start.
    public var prefixCachedTokens = 0
    /// Tokens run through the model since start (prefill and decode).
    public var processedTokens = 0
    /// Tokens generated since start.
    public var generatedTokens = 0
    /// Sequences preempted for memory since start.
    public var preemptions = 0
    /// Sequences out of the batch because their scheduler suspended them (see ``SequenceSuspension``).
    public var suspendedSequences = 0
    /// Times a running sequence was suspended by its scheduler since start.
    public var suspensions = 0
    /// Forward steps since start.
    public var steps = 0
}
