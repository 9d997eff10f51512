// Enclave server: the body of POST and PATCH /admin/v1/assistants.

import EnclaveCore
import Foundation

/// The fields of an assistant as the admin API takes them (the config's names). Unknown fields are refused;
/// in a PATCH, an absent field stays and `null` clears an optional one.
struct AssistantFields: Decodable {
    static let allowed: Set<String> = [
        "id", "name", "description", "model", "system_prompt", "temperature", "top_p", "max_tokens", "collections", "retrieval",
        "guardrail_policy", "teams", "store_conversations", "disabled",
    ]
    static let retrievalFields: Set<String> = ["top_k", "min_relevance", "mode", "rerank", "context_tokens"]

    /// A field's value: absent, or given (`nil` when the body says `null`).
    enum Field<Value> {
        case absent
        case given(Value?)
    }

    var id: String?
    var name: String?
    var description: String?
    var model: String?
    var systemPrompt: String?
    var temperature: Field<Double> = .absent
    var topP: Field<Double> = .absent
    var maxTokens: Field<Int> = .absent
    var collections: [String]?
    var topK: Int?
    var minRelevance: Double?
    var mode: RetrievalSettings.Mode?
    var rerank: Bool?
    var contextTokens: Field<Int> = .absent
    var guardrailPolicy: Field<String> = .absent
    var teams: [String]?
    var storeConversations: Bool?
    var disabled: Bool?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: StrictKey.self)
        try StrictKey.refuseUnknown(in: container, allowed: Self.allowed)
        id = try container.decodeIfPresent(String.self, forKey: StrictKey("id"))
        name = try container.decodeIfPresent(String.self, forKey: StrictKey("name"))
        description = try container.decodeIfPresent(String.self, forKey: StrictKey("description"))
        model = try container.decodeIfPresent(String.self, forKey: StrictKey("model"))
        systemPrompt = try container.decodeIfPresent(String.self, forKey: StrictKey("system_prompt"))
        temperature = try Self.field(Double.self, "temperature", in: container)
        topP = try Self.field(Double.self, "top_p", in: container)
        maxTokens = try Self.field(Int.self, "max_tokens", in: container)
        collections = try container.decodeIfPresent([String].self, forKey: StrictKey("collections"))
        guardrailPolicy = try Self.field(String.self, "guardrail_policy", in: container)
        teams = try container.decodeIfPresent([String].self, forKey: StrictKey("teams"))
        storeConversations = try container.decodeIfPresent(Bool.self, forKey: StrictKey("store_conversations"))
        disabled = try container.decodeIfPresent(Bool.self, forKey: StrictKey("disabled"))
        if container.contains(StrictKey("retrieval")) {
            let retrieval = try container.nestedContainer(keyedBy: StrictKey.self, forKey: StrictKey("retrieval"))
            try StrictKey.refuseUnknown(in: retrieval, allowed: Self.retrievalFields)
            topK = try retrieval.decodeIfPresent(Int.self, forKey: StrictKey("top_k"))
            minRelevance = try retrieval.decodeIfPresent(Double.self, forKey: StrictKey("min_relevance"))
            mode = try retrieval.decodeIfPresent(RetrievalSettings.Mode.self, forKey: StrictKey("mode"))
            rerank = try retrieval.decodeIfPresent(Bool.self, forKey: StrictKey("rerank"))
            contextTokens = try Self.field(Int.self, "context_tokens", in: retrieval)
        }
    }

    private static func field<Value: Decodable>(
        _ type: Value.Type,
        _ name: String,
        in container: KeyedDecodingContainer<StrictKey>
    ) throws -> Field<Value> {
        guard container.contains(StrictKey(name)) else { return .absent }
        if try container.decodeNil(forKey: StrictKey(name)) { return .given(nil) }
        return .given(try container.decode(Value.self, forKey: StrictKey(name)))
    }

    /// A new assistant from a POST body.
    /// - Throws: ``AssistantStoreError`` `invalid` if `id`, `name` or `model` is missing.
    func assistant() throws -> Assistant {
        guard let id else { throw AssistantStoreError.invalid("id", "is required") }
        guard let name else { throw AssistantStoreError.invalid("name", "is required") }
        guard let model else { throw AssistantStoreError.invalid("model", "is required") }
        var assistant = Assistant(id: id, name: name, model: model, createdAt: Date())
        apply(to: &assistant)
        return assistant
    }

    /// Changes what the body gives (the id never changes).
    func apply(to assistant: inout Assistant) {
        if let name { assistant.name = name }
        if let description { assistant.description = description }
        if let model { assistant.model = model }
        if let systemPrompt { assistant.systemPrompt = systemPrompt }
        if case .given(let value) = temperature { assistant.sampling.temperature = value }
        if case .given(let value) = topP { assistant.sampling.topP = value }
        if case .given(let value) = maxTokens { assistant.sampling.maxTokens = value }
        if let collections { assistant.collections = collections }
        if let topK { assistant.retrieval.settings.topK = topK }
        if let minRelevance { assistant.retrieval.settings.minRelevance = minRelevance }
        if let mode { assistant.retrieval.settings.mode = mode }
        if let rerank { assistant.retrieval.settings.rerank = rerank }
        if case .given(let value) = contextTokens { assistant.retrieval.contextTokens = value }
        if case .given(let value) = guardrailPolicy { assistant.guardrailPolicy = value }
        if let teams { assistant.teamIDs = teams }
        if let storeConversations { assistant.storeConversations = storeConversations }
        if let disabled { assistant.isDisabled = disabled }
    }
}
