// Enclave backends: the embedded engine's generations can be paused and resumed by the scheduler.

public import EnclaveCore
import EnclaveEngine

extension EmbeddedBackend: PreemptibleBackend {
    /// The generation with a control over its batch runner sequence: suspending releases the sequence's KV
    /// blocks and keeps its tokens; resuming recomputes them (mostly from the prefix cache) and goes on
    /// with the same sampler state.
    public func preemptibleGeneration(_ prepared: PreparedInference) -> PreemptibleGeneration? {
        guard prepared.request.model == descriptor.id, let prompt = prepared.promptTokens else { return nil }
        let p = prepared.request.parameters
        let options = GenerationOptions(maxTokens: prepared.maxTokens, sampling: Self.sampling(p), stop: p.stop)
        let suspension = SequenceSuspension()
        let events = Self.events(of: engine, prompt: prompt, options: options, logprobs: p.logprobs, suspension: suspension)
        return PreemptibleGeneration(events: events, control: EngineSequenceControl(suspension: suspension))
    }
}

/// The scheduler's control over one sequence of the embedded engine.
struct EngineSequenceControl: SequenceControl {
    let suspension: SequenceSuspension

    func suspend() { suspension.suspend() }
    func resume() { suspension.resume() }
}
