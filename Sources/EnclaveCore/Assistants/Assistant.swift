// Enclave: a configured assistant that clients use as a model.

public import Foundation

/// An assistant: a base model with a system prompt, sampling defaults and, optionally, knowledge
/// collections it answers from.
///
/// Clients use an assistant by sending its ``id`` as the `model` of a chat completion, so any OpenAI client
/// talks to it. Assistants are declared in the configuration (`assistants:`, ``managedBy`` is then set) or
/// created through the admin API (`/admin/v1/assistants`).
///
/// Who may use it: admins (with the admin scope) always; anyone else only when they belong to one of
/// ``teamIDs``. An assistant with no teams is for admins only — safer than open to everyone by omission.
/// A caller who may not use it is told it does not exist (404, like an unknown model).
public struct Assistant: Sendable, Hashable, Identifiable, Codable {
    /// Sampling values used when a request leaves them unset.
    public struct Sampling: Sendable, Hashable, Codable {
        /// The default `temperature`.
        public var temperature: Double?
        /// The default `top_p`.
        public var topP: Double?
        /// The default `max_tokens`.
        public var maxTokens: Int?

        /// Creates sampling defaults; `nil` leaves the model's own default.
        public init(temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil) {
            self.temperature = temperature
            self.topP = topP
            self.maxTokens = maxTokens
        }

        /// The request's values, with these defaults filling only what the request leaves unset.
        public func filling(_ request: Sampling) -> Sampling {
            Sampling(
                temperature: request.temperature ?? temperature,
                topP: request.topP ?? topP,
                maxTokens: request.maxTokens ?? maxTokens
            )
        }
    }

    /// How the assistant retrieves from its collections.
    public struct Retrieval: Sendable, Hashable, Codable {
        /// Top-k, threshold, mode and reranking, passed to the ``KnowledgeRetriever``.
        public var settings: RetrievalSettings
        /// The most tokens the numbered sources may take in the prompt; `nil`: a share of the model's
        /// context (see ``AssistantPipeline`` in EnclaveGateway).
        public var contextTokens: Int?

        /// Creates retrieval settings.
        public init(settings: RetrievalSettings = .default, contextTokens: Int? = nil) {
            self.settings = settings
            self.contextTokens = contextTokens
        }
    }

    /// The slug clients send as `model`; never the id of a model.
    public var id: String
    /// A display name.
    public var name: String
    /// What the assistant is for.
    public var description: String
    /// The id of the base model that answers.
    public var model: String
    /// The system prompt, placed before any system message of the client.
    public var systemPrompt: String
    /// Defaults for `temperature`, `top_p` and `max_tokens`.
    public var sampling: Sampling
    /// The names of the knowledge collections it answers from; empty: none (no retrieval).
    public var collections: [String]
    /// Retrieval settings and the sources' token budget.
    public var retrieval: Retrieval
    /// The guardrail policy's name (`guardrails.policies`, or a built-in: `standard`, `strict`, `off`);
    /// `nil`: the server's default policy.
    public var guardrailPolicy: String?
    /// The teams whose members may use it; empty: admins only.
    public var teamIDs: [String]
    /// Whether conversations with it are stored (for the web UI; stored, not used by the API yet).
    public var storeConversations: Bool
    /// A disabled assistant is kept but hidden and unusable (the config disables one removed from the file).
    public var isDisabled: Bool
    /// When it was created.
    public var createdAt: Date
    /// `config` for an assistant declared in the configuration file; `nil` for one made through the API.
    public var managedBy: String?

    /// Creates an assistant.
    public init(
        id: String,
        name: String,
        description: String = "",
        model: String,
        systemPrompt: String = "",
        sampling: Sampling = .init(),
        collections: [String] = [],
        retrieval: Retrieval = .init(),
        guardrailPolicy: String? = nil,
        teamIDs: [String] = [],
        storeConversations: Bool = false,
        isDisabled: Bool = false,
        createdAt: Date,
        managedBy: String? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.model = model
        self.systemPrompt = systemPrompt
        self.sampling = sampling
        self.collections = collections
        self.retrieval = retrieval
        self.guardrailPolicy = guardrailPolicy
        self.teamIDs = teamIDs
        self.storeConversations = storeConversations
        self.isDisabled = isDisabled
        self.createdAt = createdAt
        self.managedBy = managedBy
    }
}
