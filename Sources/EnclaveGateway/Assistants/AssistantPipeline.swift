// Enclave gateway: from a chat request naming an assistant to the base model's conversation.

public import EnclaveCore

/// Resolves assistants and prepares their turns: the system prompt, retrieval over the assistant's
/// collections, and the numbered sources within a token budget.
///
/// ```swift
/// let pipeline = AssistantPipeline(assistants: store, knowledge: knowledge, retriever: retriever)
/// if let assistant = try await pipeline.assistant(named: body.model, for: principal) {
///     let turn = try await pipeline.prepare(turns, for: assistant, principal: principal, contextLength: 2048, maxTokens: 256)
/// }
/// ```
///
/// An assistant the principal may not use (``Principal/mayUse(assistant:)``) is reported exactly as an
/// unknown model, so a caller outside its teams learns nothing of it.
public struct AssistantPipeline: Sendable {
    /// The assistants.
    public let assistants: any AssistantStore
    /// The collections (resolved by name); `nil`: no knowledge, an assistant with collections finds nothing.
    public let knowledge: (any KnowledgeStore)?
    /// What finds passages; `nil`: as for ``knowledge``.
    public let retriever: (any KnowledgeRetriever)?

    /// The share of the model's context the sources may take when the assistant sets no
    /// `retrieval.context_tokens`: half, and never more than what the conversation and `max_tokens` leave.
    public static let defaultContextShare = 0.5

    /// Creates a pipeline.
    public init(assistants: any AssistantStore, knowledge: (any KnowledgeStore)? = nil, retriever: (any KnowledgeRetriever)? = nil) {
        self.assistants = assistants
        self.knowledge = knowledge
        self.retriever = retriever
    }

    /// The assistant `model` names, if the principal may use it.
    /// - Returns: `nil` if no assistant has this id (it may be a model).
    /// - Throws: ``InferenceError/unknownModel(_:)`` for an assistant the principal may not use, or a disabled one.
    public func assistant(named model: String, for principal: Principal) async throws -> Assistant? {
        guard let assistant = try await assistants.assistant(id: model) else { return nil }
        guard principal.mayUse(assistant: assistant) else { throw InferenceError.unknownModel(model) }
        return assistant
    }

    /// The assistants the principal may use, by id.
    public func assistants(for principal: Principal) async throws -> [Assistant] {
        try await assistants.assistants().filter { principal.mayUse(assistant: $0) }
    }

    /// The message answered, without calling the model, when retrieval finds nothing.
    public static func nothingFoundAnswer(for assistant: Assistant) -> String {
        "I found nothing about this in the documents available to \(assistant.name)."
    }

    /// Prepares a conversation for the assistant's base model.
    ///
    /// Without collections: the system prompt, then the conversation. With collections: the retrieval
    /// query is built from the conversation (``AssistantSources/query(from:)``), the passages found in the
    /// collections the principal may access are numbered and put into the last user turn, before its
    /// question, within the token budget; the system prompt gets the instruction to cite them as `[n]`. When nothing passes the threshold, the
    /// turn carries ``AssistantTurn/nothingFoundAnswer`` and the model must not be called.
    /// - Parameters:
    ///   - conversation: The client's messages.
    ///   - contextLength: The base model's context in tokens, if known.
    ///   - maxTokens: The completion tokens the request reserves, if known.
    public func prepare(
        _ conversation: [ChatTurn],
        for assistant: Assistant,
        principal: Principal,
        contextLength: Int?,
        maxTokens: Int?
    ) async throws -> AssistantTurn {
        guard !assistant.collections.isEmpty else {
            return AssistantTurn(
                turns: Self.turns(system: assistant.systemPrompt, conversation: conversation),
                sources: [],
                retrieval: RetrievalOutcome(status: .none, sources: 0)
            )
        }
        let query = AssistantSources.query(from: conversation)
        let collections = try await accessibleCollections(of: assistant, for: principal)
        var passages: [RetrievedPassage] = []
        if let retriever, !collections.isEmpty, !query.isEmpty {
            let settings = assistant.retrieval.settings
            passages = try await retriever.retrieve(query, inCollections: collections.map(\.id), settings: settings)
            if settings.mode != .keyword { passages.removeAll { $0.relevance < settings.minRelevance } }
            passages = Array(passages.prefix(settings.topK))
        }
        let names = Dictionary(collections.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let budget = Self.sourceBudget(for: assistant, conversation: conversation, contextLength: contextLength, maxTokens: maxTokens)
        let sources = AssistantSources.number(passages, collectionNames: names, budget: budget)
        guard !sources.isEmpty else {
            return AssistantTurn(
                turns: Self.turns(system: assistant.systemPrompt, conversation: conversation),
                sources: [],
                retrieval: RetrievalOutcome(status: .empty, sources: 0),
                nothingFoundAnswer: Self.nothingFoundAnswer(for: assistant)
            )
        }
        return AssistantTurn(
            turns: Self.turns(
                system: AssistantSources.systemPrompt(assistant.systemPrompt),
                conversation: AssistantSources.conversation(conversation, carrying: sources)
            ),
            sources: sources,
            retrieval: RetrievalOutcome(status: .found, sources: sources.count)
        )
    }

    /// The assistant's collections that exist and that the principal may access, in the assistant's order.
    func accessibleCollections(of assistant: Assistant, for principal: Principal) async throws -> [KnowledgeCollection] {
        guard let knowledge else { return [] }
        var found: [KnowledgeCollection] = []
        for name in assistant.collections {
            if let collection = try await knowledge.collection(named: name), principal.mayAccess(collection) {
                found.append(collection)
            }
        }
        return found
    }

    /// The tokens the sources may take: the assistant's `context_tokens`, or ``defaultContextShare`` of
    /// the context; both capped at what the conversation (estimated, see
    /// ``AssistantSources/estimatedTokens(_:)``) and `max_tokens` leave. Without a known context, the
    /// assistant's budget or 1,024.
    public static func sourceBudget(for assistant: Assistant, conversation: [ChatTurn], contextLength: Int?, maxTokens: Int?) -> Int {
        guard let contextLength else { return assistant.retrieval.contextTokens ?? 1024 }
        let share = assistant.retrieval.contextTokens ?? Int(Double(contextLength) * defaultContextShare)
        let used = conversation.reduce(AssistantSources.estimatedTokens(assistant.systemPrompt) + 64) {
            $0 + AssistantSources.estimatedTokens($1.content) + 4
        }
        let left = contextLength - used - (maxTokens ?? 0)
        return max(0, min(share, left))
    }

    /// The system prompt (if any) first, then the conversation as the client sent it.
    static func turns(system: String, conversation: [ChatTurn]) -> [ChatTurn] {
        system.isEmpty ? conversation : [ChatTurn(role: "system", content: system)] + conversation
    }
}
