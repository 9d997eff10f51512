// Enclave gateway: a loading backend passes preemption through to the backend it loaded.

public import EnclaveCore

extension LoadingBackend: PreemptibleBackend {
    /// The loaded backend's pausable generation; `nil` while loading, or when the loaded backend cannot pause.
    public func preemptibleGeneration(_ prepared: PreparedInference) -> PreemptibleGeneration? {
        (loadedBackend as? any PreemptibleBackend)?.preemptibleGeneration(prepared)
    }
}
