// Enclave server: the response of GET /v1/models.

public import EnclaveCore

/// `{"object": "list", "data": [...]}`.
public struct ModelList: Encodable, Sendable {
    /// One model.
    public struct Model: Encodable, Sendable {
        public var id: String
        public var object = "model"
        public var created: Int
        public var ownedBy: String
        /// Enclave's extension: the context window in tokens.
        public var contextLength: Int

        enum CodingKeys: String, CodingKey {
            case id, object, created
            case ownedBy = "owned_by"
            case contextLength = "context_length"
        }
    }

    public var object = "list"
    public var data: [Model]

    /// The list of a backend's models.
    public init(_ descriptors: [ModelDescriptor]) {
        data = descriptors.map { Model(id: $0.id, created: $0.created, ownedBy: $0.ownedBy, contextLength: $0.contextLength) }
    }
}
