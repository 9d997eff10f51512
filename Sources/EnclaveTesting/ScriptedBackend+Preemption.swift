// Enclave testing: the scripted backend's generations can be paused, when it is made preemptible.

public import EnclaveCore
import Synchronization

extension ScriptedBackend: PreemptibleBackend {
    /// A pausable generation when the backend is ``preemptible``; `nil` otherwise.
    public func preemptibleGeneration(_ prepared: PreparedInference) -> PreemptibleGeneration? {
        guard preemptible else { return nil }
        let control = ScriptedSequenceControl(backend: self)
        return PreemptibleGeneration(events: generate(prepared, control: control), control: control)
    }
}

/// Pauses a scripted generation: while suspended it emits nothing and does not count as running.
final class ScriptedSequenceControl: SequenceControl {
    private let suspended = Mutex(false)
    private let backend: ScriptedBackend

    init(backend: ScriptedBackend) {
        self.backend = backend
    }

    func suspend() {
        let changed = suspended.withLock { value in
            defer { value = true }
            return !value
        }
        guard changed else { return }
        backend.update {
            $0.suspended += 1
            $0.running -= 1
        }
    }

    func resume() {
        let changed = suspended.withLock { value in
            defer { value = false }
            return value
        }
        guard changed else { return }
        backend.update {
            $0.resumed += 1
            $0.running += 1
        }
    }

    /// Returns once the generation is not suspended (polling, as the scripted holds do).
    func waitWhileSuspended() async throws {
        while suspended.withLock({ $0 }) {
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}
