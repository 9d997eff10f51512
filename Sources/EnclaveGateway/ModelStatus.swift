// Enclave gateway: one declared model and its state.

public import EnclaveCore

/// A model the gateway routes, with its load state (`nil`: its backend does not serve it), as `/readyz`
/// and `/metrics` report it.
public struct ModelStatus: Sendable, Hashable {
    /// The model id.
    public var id: String
    /// The backend's state of the model; `nil` if the backend does not know it.
    public var state: ModelState?
    /// The routed backend's capacity.
    public var capacity: Int
    /// The routed backend's name (the `backend` metric label).
    public var backend: String

    /// Creates a status.
    public init(id: String, state: ModelState?, capacity: Int, backend: String) {
        self.id = id
        self.state = state
        self.capacity = capacity
        self.backend = backend
    }

    /// `loading`, `ready`, `failed` or `missing`.
    public var stateName: String { state.name }
}
