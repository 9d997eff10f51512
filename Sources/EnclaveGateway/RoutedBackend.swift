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
    /// For a backend whose models are found at run time (an upstream that lists them at `GET /models`):
    /// whether it serves a model id that no route declares. `nil`: only ``models`` route to it.
    public var claims: (@Sendable (String) -> Bool)?

    /// Creates a route.
    /// - Parameters:
    ///   - models: The model ids that route to `backend`.
    ///   - backend: The backend serving them.
    ///   - name: The `backend` label of its scheduler's metrics; `nil`: the model ids joined by `+`.
    ///   - claims: Whether the backend serves an id that no route declares (models found at run time).
    public init(models: [String], backend: any InferenceBackend, name: String? = nil, claims: (@Sendable (String) -> Bool)? = nil) {
        self.models = models
        self.backend = backend
        self.name = name ?? models.joined(separator: "+")
        self.claims = claims
    }
}
