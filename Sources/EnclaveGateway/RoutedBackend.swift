// Enclave gateway: a backend and the models the gateway routes to it.

public import EnclaveCore

/// One backend behind the gateway and the model ids that route to it. The gateway gives each routed
/// backend its own scheduler, sized by the backend's ``InferenceBackend/capacity``.
///
/// ```swift
/// let route = RoutedBackend(models: ["smollm2"], backend: LoadingBackend(model: declaration))
/// ```
public struct RoutedBackend: Sendable {
    /// The model ids this backend serves, in the order `/v1/models` lists them.
    public var models: [String]
    /// The backend.
    public var backend: any InferenceBackend
    /// The backend's name in metrics (the `backend` label); by default its model ids joined by `+`.
    public var name: String

    /// Creates a route.
    /// - Parameters:
    ///   - models: The model ids that route to `backend`.
    ///   - backend: The backend serving them.
    ///   - name: The `backend` label of its scheduler's metrics; `nil`: the model ids joined by `+`.
    public init(models: [String], backend: any InferenceBackend, name: String? = nil) {
        self.models = models
        self.backend = backend
        self.name = name ?? models.joined(separator: "+")
    }
}
