// Enclave testing: a backend that replies from a script.

public import EnclaveCore
import Foundation
import Synchronization

/// An ``InferenceBackend`` for tests: it "tokenises" by words, replies with scripted pieces (one token
/// each), honours `maxTokens`, stop strings and log probabilities, and can hold a generation open until it
/// is cancelled or released, or fail in the middle. It counts what happens so tests can wait for events
/// (``waitForGenerations(started:)``, ``waitForCancellations(_:)``) instead of sleeping.
///
/// ```swift
/// let backend = ScriptedBackend(script: .init(pieces: ["Hello", " there"]))
/// ```
public final class ScriptedBackend: InferenceBackend {
    /// A model the fake serves.
    public struct Model: Sendable, Hashable {
        public var id: String
        public var contextLength: Int
        public var state: ModelState

        /// Creates a model.
        public init(id: String, contextLength: Int = 64, state: ModelState = .ready) {
            self.id = id
            self.contextLength = contextLength
            self.state = state
        }
    }

    /// What a generation does.
    public struct Script: Sendable {
        /// The reply, one token per piece.
        public var pieces: [String]
        /// After this many pieces, wait: until cancelled, or until ``ScriptedBackend/release()`` when
        /// `releasable` is set.
        public var holdAfter: Int?
        /// Whether a hold ends on ``ScriptedBackend/release()`` (otherwise only cancellation ends it).
        public var releasable: Bool
        /// After this many pieces, throw this error.
        public var failure: (after: Int, error: InferenceError)?
        /// Whether the reply is the request's system prompt, in pieces of 5 characters (a model leaking
        /// its instructions), instead of ``pieces``.
        public var echoesSystemPrompt = false

        /// Creates a script.
        public init(pieces: [String], holdAfter: Int? = nil, releasable: Bool = false, failure: (after: Int, error: InferenceError)? = nil) {
            self.pieces = pieces
            self.holdAfter = holdAfter
            self.releasable = releasable
            self.failure = failure
        }

        /// A short greeting of 5 tokens.
        public static let greeting = Script(pieces: ["Hello", ",", " how", " can", " I", " help", "?"])
    }

    /// Counters of what happened.
    public struct Counts: Sendable, Hashable {
        /// `prepare` calls that succeeded.
        public var prepared = 0
        /// Generations started (admitted by the scheduler and iterated).
        public var started = 0
        /// Generations that ended with `finished`.
        public var finished = 0
        /// Generations that ended because their consumer was cancelled.
        public var cancelled = 0
        /// Generations that threw their scripted failure.
        public var failed = 0
        /// The most generations that ran at the same time.
        public var peakConcurrent = 0
        /// Generations running now (a suspended one does not count).
        public var running = 0
        /// Times the scheduler suspended a generation (see ``ScriptedBackend/preemptible``).
        public var suspended = 0
        /// Times the scheduler resumed a suspended generation.
        public var resumed = 0
    }

    private struct State: ~Copyable {
        var models: [Model]
        var script: Script
        var counts = Counts()
        var requests: [InferenceRequest] = []
        var releases = 0
        var healthCheck: (@Sendable () async throws -> Void)?
        var shutdowns = 0
        var watchers: [(condition: @Sendable (Counts) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>
    /// How many sequences may run at once.
    public let capacity: Int
    /// Whether its generations can be paused by the scheduler (``PreemptibleBackend``): a suspended
    /// generation emits nothing until it is resumed.
    public let preemptible: Bool

    /// Creates a fake backend.
    public init(models: [Model] = [Model(id: "test-model")], capacity: Int = 4, script: Script = .greeting, preemptible: Bool = false) {
        self.state = Mutex(State(models: models, script: script))
        self.capacity = capacity
        self.preemptible = preemptible
    }

    // MARK: Control and observation

    /// Changes a model's state.
    public func setState(_ modelState: ModelState, of model: String) {
        state.withLock { state in
            if let index = state.models.firstIndex(where: { $0.id == model }) { state.models[index].state = modelState }
        }
    }

    /// Sets what ``checkHealth()`` does (by default it passes at once).
    public func setHealthCheck(_ check: @escaping @Sendable () async throws -> Void) {
        state.withLock { $0.healthCheck = check }
    }

    /// How many times ``shutdown()`` was called.
    public var shutdownCount: Int { state.withLock { $0.shutdowns } }

    /// Replaces the script of future generations.
    public func setScript(_ script: Script) {
        state.withLock { $0.script = script }
    }

    /// Lets one held, releasable generation go on.
    public func release() {
        state.withLock { $0.releases += 1 }
    }

    /// What has happened so far.
    public var counts: Counts { state.withLock { $0.counts } }

    /// The requests `prepare` accepted, in order.
    public var preparedRequests: [InferenceRequest] { state.withLock { $0.requests } }

    /// Waits until at least `count` generations have started.
    public func waitForGenerations(started count: Int) async {
        await wait { $0.started >= count }
    }

    /// Waits until at least `count` generations were cancelled.
    public func waitForCancellations(_ count: Int) async {
        await wait { $0.cancelled >= count }
    }

    /// Waits until `condition` holds for the counts.
    public func wait(until condition: @escaping @Sendable (Counts) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let satisfied = state.withLock { state in
                if condition(state.counts) { return true }
                state.watchers.append((condition, continuation))
                return false
            }
            if satisfied { continuation.resume() }
        }
    }

    func update(_ change: (inout Counts) -> Void) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state.counts)
            state.counts.peakConcurrent = max(state.counts.peakConcurrent, state.counts.running)
            let counts = state.counts
            var ready: [CheckedContinuation<Void, Never>] = []
            state.watchers.removeAll { watcher in
                guard watcher.condition(counts) else { return false }
                ready.append(watcher.continuation)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    // MARK: InferenceBackend

    public func models() async -> [ModelDescriptor] {
        state.withLock { $0.models }.map { ModelDescriptor(id: $0.id, ownedBy: "test", contextLength: $0.contextLength, created: 1_700_000_000) }
    }

    public func state(of model: String) async -> ModelState? {
        state.withLock { $0.models.first { $0.id == model }?.state }
    }

    public func prepare(_ request: InferenceRequest) async throws -> PreparedInference {
        guard let model = state.withLock({ $0.models.first { $0.id == request.model } }) else {
            throw InferenceError.unknownModel(request.model)
        }
        let tokens = Self.tokenize(request.prompt)
        guard tokens.count < model.contextLength else {
            throw InferenceError.contextLengthExceeded(promptTokens: tokens.count, limit: model.contextLength)
        }
        let room = model.contextLength - tokens.count
        if let asked = request.parameters.maxTokens, asked > room {
            throw InferenceError.invalidParameter(
                "max_tokens",
                "the prompt has \(tokens.count) tokens and the context \(model.contextLength), so at most \(room) can be generated"
            )
        }
        state.withLock { $0.requests.append(request) }
        update { $0.prepared += 1 }
        return PreparedInference(request: request, promptTokens: tokens, maxTokens: request.parameters.maxTokens ?? room)
    }

    public func generate(_ prepared: PreparedInference) -> AsyncThrowingStream<InferenceEvent, any Error> {
        generate(prepared, control: nil)
    }

    /// The generation's events; while `control` is suspended, none come.
    func generate(_ prepared: PreparedInference, control: ScriptedSequenceControl?) -> AsyncThrowingStream<InferenceEvent, any Error> {
        var script = state.withLock { $0.script }
        if script.echoesSystemPrompt, case .chat(let turns) = prepared.request.prompt, let system = turns.first(where: { $0.role == "system" }) {
            let characters = Array(system.content)
            script.pieces = stride(from: 0, to: characters.count, by: 5).map { String(characters[$0..<min($0 + 5, characters.count)]) }
        }
        let generation = Generation(script: script, prepared: prepared)
        return AsyncThrowingStream {
            try await control?.waitWhileSuspended()
            return try await generation.next(backend: self)
        }
    }

    public func checkHealth() async throws {
        let check = state.withLock { $0.healthCheck }
        try await check?()
    }

    public func shutdown() async {
        state.withLock { $0.shutdowns += 1 }
    }

    /// The fake tokeniser: one token per whitespace-separated word of the rendered prompt.
    public static func tokenize(_ prompt: InferencePrompt) -> [Int32] {
        let text: String
        switch prompt {
        case .text(let value): text = value
        case .chat(let turns): text = turns.map { "\($0.role): \($0.content)" }.joined(separator: "\n") + "\nassistant:"
        }
        return text.split(whereSeparator: \.isWhitespace).map { Int32(truncatingIfNeeded: $0.utf8.count) }
    }

    /// One generation's progress. Its methods run in the consumer's task, so the consumer's cancellation
    /// reaches them.
    private actor Generation {
        enum Phase: Sendable {
            case running
            case finishing(FinishReason)
            case done
        }

        let script: Script
        let prepared: PreparedInference
        var emitted = 0
        var text = ""
        var started = false
        var phase = Phase.running

        init(script: Script, prepared: PreparedInference) {
            self.script = script
            self.prepared = prepared
        }

        func next(backend: ScriptedBackend) async throws -> InferenceEvent? {
            switch phase {
            case .done:
                return nil
            case .finishing(let reason):
                return finish(reason, backend: backend)
            case .running:
                break
            }
            if !started {
                started = true
                backend.update {
                    $0.started += 1
                    $0.running += 1
                }
            }
            if Task.isCancelled {
                return cancel(backend: backend)
            }
            if let failure = script.failure, emitted >= failure.after {
                phase = .done
                backend.update {
                    $0.failed += 1
                    $0.running -= 1
                }
                throw failure.error
            }
            if let holdAfter = script.holdAfter, emitted == holdAfter {
                do {
                    try await hold(backend: backend)
                } catch {
                    return cancel(backend: backend)
                }
            }
            guard emitted < script.pieces.count else { return finish(.stop, backend: backend) }
            guard emitted < prepared.maxTokens else { return finish(.length, backend: backend) }
            let parameters = prepared.request.parameters
            let piece = script.pieces[emitted]
            emitted += 1
            let candidate = text + piece
            let stops = parameters.stop.compactMap { candidate.range(of: $0) }
            if let stop = stops.min(by: { $0.lowerBound < $1.lowerBound }) {
                // A stop string matched: emit the text before it, then finish.
                let kept = String(candidate[..<stop.lowerBound])
                let delta = String(kept.dropFirst(text.count))
                text = kept
                phase = .finishing(.stop)
                return .delta(text: delta, logprobs: [])
            }
            text = candidate
            let logprobs = parameters.logprobs ? [Self.logprob(piece, index: emitted, top: parameters.topLogprobs)] : []
            return .delta(text: piece, logprobs: logprobs)
        }

        private func finish(_ reason: FinishReason, backend: ScriptedBackend) -> InferenceEvent {
            phase = .done
            backend.update {
                $0.finished += 1
                $0.running -= 1
            }
            return .finished(reason, InferenceUsage(promptTokens: prepared.promptTokenCount ?? 0, completionTokens: emitted))
        }

        private func cancel(backend: ScriptedBackend) -> InferenceEvent? {
            phase = .done
            backend.update {
                $0.cancelled += 1
                $0.running -= 1
            }
            return nil
        }

        private func hold(backend: ScriptedBackend) async throws {
            if script.releasable {
                while true {
                    let released = backend.state.withLock { state -> Bool in
                        guard state.releases > 0 else { return false }
                        state.releases -= 1
                        return true
                    }
                    if released { return }
                    try await Task.sleep(for: .milliseconds(5))
                }
            } else {
                try await Task.sleep(for: .seconds(3600))
            }
        }

        static func logprob(_ piece: String, index: Int, top: Int) -> TokenLogprob {
            let value = -0.25 * Double(index)
            let alternatives = (0..<top).map { rank in
                rank == 0
                    ? TopLogprob(token: piece, bytes: Array(piece.utf8), logprob: value)
                    : TopLogprob(token: "alt\(rank)", bytes: Array("alt\(rank)".utf8), logprob: value - Double(rank))
            }
            return TokenLogprob(token: piece, bytes: Array(piece.utf8), logprob: value, top: alternatives)
        }
    }
}
