// Enclave: the load state of a model.

/// The load state of a model.
///
/// `/readyz` and the `enclave_model_state` metric spell each state with ``name``; a model that the
/// configuration declares but no backend serves is ``missingName``.
public enum ModelState: Sendable, Hashable {
    /// Being loaded (or checked by its sanity generation); requests get 503.
    case loading
    /// Loaded, checked and serving.
    case ready
    /// Loading or the sanity generation failed, with a reason that is safe to show (no file paths);
    /// requests get 503.
    case failed(String)

    /// The state's name: `loading`, `ready` or `failed`.
    public var name: String {
        switch self {
        case .loading: "loading"
        case .ready: "ready"
        case .failed: "failed"
        }
    }

    /// The name of the state of a declared model that no backend serves.
    public static let missingName = "missing"

    /// Every state name, as `/metrics` lists them.
    public static let allNames = ["loading", "ready", "failed", missingName]
}

extension Optional where Wrapped == ModelState {
    /// The state's name, or ``ModelState/missingName`` for a model no backend serves.
    public var name: String { self?.name ?? ModelState.missingName }
}
