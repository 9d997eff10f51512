// Enclave: why a model could not be made ready.

/// A model that could not be loaded or failed its sanity generation.
///
/// ``reason`` is what clients and the unauthenticated `/readyz` see (it names the stage that failed, never a
/// file path); ``detail`` goes to the server log only.
///
/// ```swift
/// throw ModelLoadFailure(reason: "the model file could not be read", detail: "\(error)")
/// ```
public struct ModelLoadFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed, safe to show to anyone.
    public var reason: String
    /// The full story for the log (paths, the underlying error).
    public var detail: String

    /// Creates a failure.
    /// - Parameters:
    ///   - reason: What failed, with no file paths or other internals.
    ///   - detail: The underlying error, for the log; defaults to `reason`.
    public init(reason: String, detail: String? = nil) {
        self.reason = reason
        self.detail = detail ?? reason
    }

    public var description: String { detail == reason ? reason : "\(reason): \(detail)" }
}
