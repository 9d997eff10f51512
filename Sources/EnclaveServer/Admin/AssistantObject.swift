// Enclave server: an assistant as the admin API shows it.

import EnclaveCore
import Foundation

/// An assistant in admin API responses, with the config's field names.
struct AssistantObject: Encodable {
    struct Retrieval: Encodable {
        var topK: Int
        var minRelevance: Double
        var mode: String
        var rerank: Bool
        var contextTokens: Int?

        enum CodingKeys: String, CodingKey {
            case mode, rerank
            case topK = "top_k"
            case minRelevance = "min_relevance"
            case contextTokens = "context_tokens"
        }
    }

    var object = "assistant"
    var id: String
    var name: String
    var description: String
    var model: String
    var systemPrompt: String
    var temperature: Double?
    var topP: Double?
    var maxTokens: Int?
    var collections: [String]
    var retrieval: Retrieval
    var guardrailPolicy: String?
    var teams: [String]
    var storeConversations: Bool
    var disabled: Bool
    var createdAt: Date
    var managedBy: String?

    init(_ assistant: Assistant) {
        id = assistant.id
        name = assistant.name
        description = assistant.description
        model = assistant.model
        systemPrompt = assistant.systemPrompt
        temperature = assistant.sampling.temperature
        topP = assistant.sampling.topP
        maxTokens = assistant.sampling.maxTokens
        collections = assistant.collections
        let settings = assistant.retrieval.settings
        retrieval = Retrieval(
            topK: settings.topK,
            minRelevance: settings.minRelevance,
            mode: settings.mode.rawValue,
            rerank: settings.rerank,
            contextTokens: assistant.retrieval.contextTokens
        )
        guardrailPolicy = assistant.guardrailPolicy
        teams = assistant.teamIDs
        storeConversations = assistant.storeConversations
        disabled = assistant.isDisabled
        createdAt = assistant.createdAt
        managedBy = assistant.managedBy
    }

    enum CodingKeys: String, CodingKey {
        case object, id, name, description, model, temperature, collections, retrieval, teams, disabled
        case systemPrompt = "system_prompt"
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case guardrailPolicy = "guardrail_policy"
        case storeConversations = "store_conversations"
        case createdAt = "created_at"
        case managedBy = "managed_by"
    }
}
