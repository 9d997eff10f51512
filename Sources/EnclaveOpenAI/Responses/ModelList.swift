// Enclave OpenAI dialect: the responses of GET /v1/models and GET /v1/models/{model}.

public import EnclaveCore
import Foundation

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
        /// Enclave's extension for an assistant (absent for a model).
        public var enclave: AssistantInfo?

        /// A model's entry.
        public init(_ descriptor: ModelDescriptor) {
            id = descriptor.id
            created = descriptor.created
            ownedBy = descriptor.ownedBy
            contextLength = descriptor.contextLength
        }

        /// An assistant as a model: owned by `enclave`, with its name, description and base model.
        public init(assistant: Assistant) {
            id = assistant.id
            created = Int(assistant.createdAt.timeIntervalSince1970)
            ownedBy = "enclave"
            enclave = AssistantInfo(name: assistant.name, description: assistant.description, baseModel: assistant.model)
        }

        enum CodingKeys: String, CodingKey {
            case id, object, created, enclave
            case ownedBy = "owned_by"
            case contextLength = "context_length"
        }
    }

    /// The `enclave` extension field of an assistant listed as a model:
    /// `{"kind": "assistant", "name": …, "description": …, "base_model": …}`.
    public struct AssistantInfo: Codable, Sendable, Hashable {
        /// Always `assistant`.
        public var kind = "assistant"
        /// The assistant's display name.
        public var name: String
        /// What it is for.
        public var description: String
        /// The model that answers.
        public var baseModel: String

        /// Creates the extension.
        public init(name: String, description: String, baseModel: String) {
            self.name = name
            self.description = description
            self.baseModel = baseModel
        }

        enum CodingKeys: String, CodingKey {
            case kind, name, description
            case baseModel = "base_model"
        }
    }

    public var object = "list"
    public var data: [Model]

    /// The list of a backend's models.
    public init(_ descriptors: [ModelDescriptor]) {
        data = descriptors.map(Model.init)
    }

    /// The models, then the assistants.
    public init(_ descriptors: [ModelDescriptor], assistants: [Assistant]) {
        data = descriptors.map(Model.init) + assistants.map(Model.init(assistant:))
    }
}
