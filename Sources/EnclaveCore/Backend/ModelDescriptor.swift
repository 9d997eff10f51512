// Enclave: what a backend says about its models.

/// A model a backend serves, as `GET /v1/models` lists it.
public struct ModelDescriptor: Sendable, Hashable {
    /// The id clients send as `model`.
    public var id: String
    /// The owner shown to clients (OpenAI's `owned_by`).
    public var ownedBy: String
    /// The context window, in tokens.
    public var contextLength: Int
    /// Unix time (seconds) of when the model was loaded or declared.
    public var created: Int

    /// Creates a descriptor.
    public init(id: String, ownedBy: String, contextLength: Int, created: Int) {
        self.id = id
        self.ownedBy = ownedBy
        self.contextLength = contextLength
        self.created = created
    }
}
