// Enclave: a switch that pauses one sequence of the batch runner and lets it go on.

import Synchronization

/// Pauses and continues one sequence of a ``BatchRunner`` from outside the runner thread: a scheduler that
/// takes a slot back calls ``suspend()``, and ``resume()`` when the sequence's turn comes again.
///
/// A suspended sequence leaves the batch at the runner's next step: its KV blocks are released (full ones
/// stay in the prefix cache) and its tokens so far are kept. Once resumed it is admitted again like a
/// sequence preempted for memory: it recomputes its prompt and generated tokens (mostly from the prefix
/// cache) and samples its next token from the same sampler state, so a greedy sequence produces exactly the
/// tokens it would have produced without the pause. Its consumer's stream only pauses.
///
/// ```swift
/// let suspension = SequenceSuspension()
/// let tokens = try runner.submit(request, suspension: suspension)
/// suspension.suspend()   // its slot and memory free at the next step
/// suspension.resume()    // it recomputes and goes on
/// ```
public final class SequenceSuspension: Sendable {
    private let suspended = Atomic<Bool>(false)
    private let wake = Mutex<(@Sendable () -> Void)?>(nil)

    /// Creates a switch in the running position.
    public init() {}

    /// Whether the sequence should be out of the batch.
    public var isSuspended: Bool { suspended.load(ordering: .acquiring) }

    /// Takes the sequence out of the batch at the runner's next step. Calling it again does nothing.
    public func suspend() {
        guard !suspended.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.withLock { $0 }?()
    }

    /// Lets a suspended sequence be admitted again. Calling it on a running sequence does nothing.
    public func resume() {
        guard suspended.exchange(false, ordering: .acquiringAndReleasing) else { return }
        wake.withLock { $0 }?()
    }

    /// Called by the runner that owns the sequence: wakes its thread when the switch moves.
    func onChange(_ action: @escaping @Sendable () -> Void) {
        wake.withLock { $0 = action }
    }
}
