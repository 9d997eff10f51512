// Enclave OpenAI dialect: the responses of GET /v1/models and GET /v1/models/{model}.

public import EnclaveCore

/// `{"object": "list", "data": [...]}`.
public struct ModelList: Codable, Sendable {
    /// One model.
    public struct Model: Codable, Sendable {
        public var id: String
        public var object = "model"
        public var created: Int
        public var ownedBy: String
        /// Enclave's extension: the context window in tokens (absent from other servers' answers).
        public var contextLength: Int?

        /// A model's entry.
        public init(_ descriptor: ModelDescriptor) {
            id = descriptor.id
            created = descriptor.created
            ownedBy = descriptor.ownedBy
            contextLength = descriptor.contextLength
        }

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
        data = descriptors.map(Model.init)
    }
}
