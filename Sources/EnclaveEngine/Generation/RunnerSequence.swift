// Enclave: the runner's state for one sequence.

import Synchronization

/// Shared between the runner and the consumer of a sequence's stream: the consumer going away
/// sets `cancelled`, and the runner drops the sequence at its next step.
final class SequenceHandle: Sendable {
    let cancelled = Atomic<Bool>(false)
}

/// One sequence inside the runner: its tokens, how many have keys and values in the cache, its
/// KV blocks and their chain hashes, and its sampler. Only the runner thread touches it.
final class RunnerSequence {
    let id: Int
    let handle: SequenceHandle
    let continuation: AsyncThrowingStream<TokenEvent, any Error>.Continuation
    /// Prompt followed by the generated tokens.
    var tokens: [Int32]
    let promptCount: Int
    let maxTokens: Int
    let stopTokens: Set<Int32>
    var sampler: Sampler
    /// Positions whose keys and values are in the cache.
    var computed = 0
    /// KV blocks covering positions `0 ..< blocks.count * blockSize`.
    var blocks: [Int32] = []
    /// Chain hashes of the leading full blocks that are known (registered or found in the cache).
    var blockHashes: [UInt64] = []
    /// Prompt tokens found in the prefix cache at (first) admission.
    var cachedPromptTokens = 0
    var promptReported = false
    /// Admission order, to choose whom to preempt (the latest).
    var admissionTicket = 0
    /// The switch a scheduler may use to take the sequence out of the batch; `nil`: never suspended.
    let suspension: SequenceSuspension?

    init(
        id: Int,
        request: TokenRequest,
        sampler: Sampler,
        continuation: AsyncThrowingStream<TokenEvent, any Error>.Continuation,
        suspension: SequenceSuspension? = nil
    ) {
        self.id = id
        self.suspension = suspension
        handle = SequenceHandle()
        self.continuation = continuation
        tokens = request.prompt
        promptCount = request.prompt.count
        maxTokens = request.maxTokens
        stopTokens = request.stopTokens
        self.sampler = sampler
    }

    var generatedCount: Int { tokens.count - promptCount }
    var isCancelled: Bool { handle.cancelled.load(ordering: .relaxed) }
    var isSuspended: Bool { suspension?.isSuspended ?? false }
    /// Tokens still to feed before the next sample (1 when decoding).
    var pending: Int { tokens.count - computed }
}
