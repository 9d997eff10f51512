// Enclave: reconciling declared collections and assistants.

public import Foundation

extension ConfigurationReconciler {
    /// Makes the stores match the declared collections and assistants, after ``reconcile(_:)`` made the
    /// teams (whose names the declarations use). A collection missing from the knowledge store is created
    /// (managed by the file); a declared one's teams and embedding model follow the file (a collection is
    /// never deleted: its documents stay). An assistant is created or updated; one the file no longer
    /// declares is disabled and kept.
    /// Without a knowledge store (`knowledge` `nil`) the collections are not reconciled.
    /// - Parameter modelIDs: The ids of the models served, which no assistant may take.
    /// - Throws: ``ReconciliationError`` `collision`, naming both, when a declared name or id is taken by one
    ///   made through the API (neither overrides the other); nothing is changed then.
    public func reconcile(
        collections declaredCollections: [DeclaredCollection],
        assistants declaredAssistants: [DeclaredAssistant],
        assistantStore: any AssistantStore,
        knowledge: (any KnowledgeStore)?,
        modelIDs: Set<String> = []
    ) async throws -> [ConfigurationChange] {
        let existingAssistants = try await assistantStore.assistants()
        let existingCollections = try await knowledge?.collections() ?? []
        var collisions: [String] = []
        let neitherOverrides = "rename one of them (neither overrides the other)"
        for declared in declaredCollections {
            if let other = existingCollections.first(where: { $0.name == declared.name && $0.managedBy == nil }) {
                collisions.append(
                    "the collection '\(declared.name)' declared at \(place(declared.location)) has the name of the collection \(other.id) made through the API; \(neitherOverrides)"
                )
            }
        }
        for declared in declaredAssistants {
            let id = declared.assistant.id
            if existingAssistants.contains(where: { $0.id == id && $0.managedBy == nil }) {
                collisions.append(
                    "the assistant '\(id)' declared at \(place(declared.location)) has the id of the assistant '\(id)' made through the API; \(neitherOverrides)"
                )
            }
            if modelIDs.contains(id) {
                collisions.append(
                    "the assistant '\(id)' declared at \(place(declared.location)) has the id of the model '\(id)'; \(neitherOverrides)"
                )
            }
        }
        guard collisions.isEmpty else { throw ReconciliationError(.collision, problems: collisions) }

        var teamIDs: [String: String] = [:]
        for team in try await stores.identities.teams() where team.managedBy != nil { teamIDs[team.name] = team.id }
        var changes: [ConfigurationChange] = []
        if let knowledge {
            try await reconcileCollections(declaredCollections, existing: existingCollections, in: knowledge, teamIDs: teamIDs, changes: &changes)
        }
        try await reconcileAssistants(declaredAssistants, existing: existingAssistants, in: assistantStore, teamIDs: teamIDs, changes: &changes)
        return changes
    }

    private func reconcileCollections(
        _ declared: [DeclaredCollection],
        existing: [KnowledgeCollection],
        in knowledge: any KnowledgeStore,
        teamIDs: [String: String],
        changes: inout [ConfigurationChange]
    ) async throws {
        for declaration in declared {
            let teams = declaration.teams.compactMap { teamIDs[$0] }
            if let before = existing.first(where: { $0.name == declaration.name }) {
                var after = before
                after.teamIDs = teams
                after.embeddingModel = declaration.embeddingModel
                after.managedBy = file
                guard after != before else { continue }
                try await knowledge.updateCollection(after)
                changes.append(change(before: before, after: after))
            } else {
                let collection = KnowledgeCollection(
                    id: RandomIdentifier.make(prefix: "col_"),
                    name: declaration.name,
                    teamIDs: teams,
                    embeddingModel: declaration.embeddingModel,
                    createdAt: wallClock.now(),
                    managedBy: file
                )
                try await knowledge.createCollection(collection)
                changes.append(change(before: nil, after: collection))
            }
        }
    }

    private func reconcileAssistants(
        _ declared: [DeclaredAssistant],
        existing: [Assistant],
        in store: any AssistantStore,
        teamIDs: [String: String],
        changes: inout [ConfigurationChange]
    ) async throws {
        for declaration in declared {
            var after = declaration.assistant
            after.teamIDs = after.teamIDs.compactMap { teamIDs[$0] }
            after.managedBy = file
            after.isDisabled = false
            if let before = existing.first(where: { $0.id == after.id }) {
                after.createdAt = before.createdAt
                guard after != before else { continue }
                try await store.update(after)
                changes.append(change(before: before, after: after))
            } else {
                after.createdAt = wallClock.now()
                try await store.create(after)
                changes.append(change(before: nil, after: after))
            }
        }
        let declaredIDs = Set(declared.map(\.assistant.id))
        for before in existing where before.managedBy == file && !declaredIDs.contains(before.id) && !before.isDisabled {
            var after = before
            after.isDisabled = true
            try await store.update(after)
            changes.append(change(before: before, after: after, action: .disabled))
        }
    }

    private func change(before: KnowledgeCollection?, after: KnowledgeCollection) -> ConfigurationChange {
        ConfigurationChange(
            kind: .collection,
            action: before == nil ? .created : .updated,
            id: after.id,
            name: after.name,
            before: before.map(Self.fields(of:)),
            after: Self.fields(of: after)
        )
    }

    private func change(before: Assistant?, after: Assistant, action: ConfigurationChange.Action? = nil) -> ConfigurationChange {
        ConfigurationChange(
            kind: .assistant,
            action: action ?? (before == nil ? .created : .updated),
            id: after.id,
            name: after.name,
            before: before.map(Self.fields(of:)),
            after: Self.fields(of: after)
        )
    }

    static func fields(of collection: KnowledgeCollection) -> [String: String] {
        [
            "name": collection.name, "teams": collection.teamIDs.sorted().joined(separator: ","), "embedding_model": collection.embeddingModel,
            "managed_by": collection.managedBy ?? "-",
        ]
    }

    /// An assistant's fields for the change log: the system prompt by its length and SHA-256 only (see ``Assistant/auditJSON``).
    static func fields(of assistant: Assistant) -> [String: String] {
        let settings = assistant.retrieval.settings
        return [
            "name": assistant.name,
            "description": assistant.description,
            "model": assistant.model,
            "system_prompt_length": "\(assistant.systemPrompt.count)",
            "system_prompt_sha256": assistant.systemPromptDigest,
            "temperature": assistant.sampling.temperature.map { "\($0)" } ?? "-",
            "top_p": assistant.sampling.topP.map { "\($0)" } ?? "-",
            "max_tokens": assistant.sampling.maxTokens.map { "\($0)" } ?? "-",
            "collections": assistant.collections.joined(separator: ","),
            "retrieval":
                "top_k=\(settings.topK) min_relevance=\(settings.minRelevance) mode=\(settings.mode.rawValue) rerank=\(settings.rerank) context_tokens=\(assistant.retrieval.contextTokens.map { "\($0)" } ?? "-")",
            "guardrail_policy": assistant.guardrailPolicy ?? "-",
            "teams": assistant.teamIDs.sorted().joined(separator: ","),
            "store_conversations": "\(assistant.storeConversations)",
            "disabled": "\(assistant.isDisabled)",
            "managed_by": assistant.managedBy ?? "-",
        ]
    }
}
