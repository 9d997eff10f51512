// Enclave storage: the contract every AssistantStore keeps, and reconciling declared assistants and collections.

import EnclaveCore
import EnclaveStorage
import EnclaveTesting
import Foundation
import Testing

extension StoreKind {
    /// A fresh assistant store (over a fresh database for SQLite).
    func makeAssistants() throws -> any AssistantStore {
        switch self {
        case .memory: InMemoryAssistantStore()
        case .sqlite: SQLiteAssistantStore(database: try SQLiteDatabase(dataDirectory: TemporaryDirectory.make().path))
        }
    }
}

@Suite struct AssistantStoreContractTests {
    static let date = Date(timeIntervalSince1970: 1_700_000_000)

    static let full = Assistant(
        id: "docexplorer",
        name: "DocExplorer",
        description: "Answers from the documents",
        model: "smollm2",
        systemPrompt: "You answer.\nWith \"quotes\" and ünïcode.",
        sampling: .init(temperature: 0.2, topP: 0.9, maxTokens: 300),
        collections: ["docs", "wiki"],
        retrieval: .init(settings: .init(topK: 4, minRelevance: 0.3, mode: .keyword, rerank: true), contextTokens: 900),
        guardrailPolicy: "strict",
        teamIDs: ["team_a", "team_b"],
        storeConversations: true,
        createdAt: date,
        managedBy: "/etc/enclave.yaml"
    )

    @Test(arguments: StoreKind.allCases)
    func keepsEveryFieldAndListsByID(kind: StoreKind) async throws {
        let store = try kind.makeAssistants()
        #expect(try await store.assistants().isEmpty)
        try await store.create(Self.full)
        let minimal = Assistant(id: "brandspark", name: "BrandSpark", model: "smollm2", createdAt: Self.date)
        try await store.create(minimal)
        #expect(try await store.assistant(id: "docexplorer") == Self.full)
        #expect(try await store.assistants() == [minimal, Self.full])
        #expect(try await store.assistant(id: "nobody") == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func refusesATakenIDAndUnknownOnes(kind: StoreKind) async throws {
        let store = try kind.makeAssistants()
        try await store.create(Self.full)
        await #expect(throws: AssistantStoreError.duplicate("docexplorer")) { try await store.create(Self.full) }
        var other = Self.full
        other.id = "other"
        await #expect(throws: AssistantStoreError.notFound("other")) { try await store.update(other) }
        await #expect(throws: AssistantStoreError.notFound("other")) { try await store.delete(id: "other") }
    }

    @Test(arguments: StoreKind.allCases)
    func updatesAndDeletes(kind: StoreKind) async throws {
        let store = try kind.makeAssistants()
        try await store.create(Self.full)
        var changed = Self.full
        changed.systemPrompt = ""
        changed.sampling = .init()
        changed.guardrailPolicy = nil
        changed.teamIDs = []
        changed.isDisabled = true
        try await store.update(changed)
        #expect(try await store.assistant(id: "docexplorer") == changed)
        try await store.delete(id: "docexplorer")
        #expect(try await store.assistants().isEmpty)
    }
}

@Suite struct AssistantReconciliationTests {
    static let file = "/etc/enclave/enclave.yaml"

    func declarations() -> ([DeclaredCollection], [DeclaredAssistant]) {
        let assistant = Assistant(
            id: "docexplorer",
            name: "DocExplorer",
            model: "smollm2",
            collections: ["docs"],
            teamIDs: ["research"],
            createdAt: Date(timeIntervalSince1970: 0)
        )
        return (
            [DeclaredCollection(name: "docs", teams: ["research"])], [DeclaredAssistant(assistant: assistant, location: .init(line: 12, column: 5))]
        )
    }

    @Test(arguments: StoreKind.allCases)
    func createsUpdatesAndDisablesWhatTheFileDeclares(kind: StoreKind) async throws {
        let stores = try kind.makeStores()
        let clock = ManualWallClock()
        _ = try await stores.identities.ensureBuiltInAdmin(at: clock.now())
        let reconciler = ConfigurationReconciler(file: Self.file, stores: stores, passwords: nil, wallClock: clock)
        _ = try await reconciler.reconcile(DeclaredIdentities(teams: [DeclaredTeam(name: "research")]))
        let research = try #require(try await stores.identities.team(named: "research"))
        let assistants = try kind.makeAssistants()
        let knowledge = InMemoryKnowledgeStore()
        let (collections, declared) = declarations()

        let first = try await reconciler.reconcile(collections: collections, assistants: declared, assistantStore: assistants, knowledge: knowledge)
        #expect(first.map { "\($0.kind.rawValue) \($0.action.rawValue)" } == ["collection created", "assistant created"])
        let collection = try #require(try await knowledge.collection(named: "docs"))
        #expect(collection.teamIDs == [research.id] && collection.managedBy == Self.file && collection.id.hasPrefix("col_"))
        let stored = try #require(try await assistants.assistant(id: "docexplorer"))
        #expect(stored.teamIDs == [research.id] && stored.managedBy == Self.file && !stored.isDisabled)

        let again = try await reconciler.reconcile(collections: collections, assistants: declared, assistantStore: assistants, knowledge: knowledge)
        #expect(again.isEmpty, "a second start with the same file changes nothing")

        var renamed = declared
        renamed[0].assistant.name = "Docs"
        let update = try await reconciler.reconcile(collections: collections, assistants: renamed, assistantStore: assistants, knowledge: knowledge)
        #expect(update.map(\.description) == ["assistant Docs (docexplorer) updated: name"])
        #expect(try await assistants.assistant(id: "docexplorer")?.createdAt == stored.createdAt)

        let removed = try await reconciler.reconcile(collections: collections, assistants: [], assistantStore: assistants, knowledge: knowledge)
        #expect(removed.map(\.action) == [.disabled])
        #expect(try await assistants.assistant(id: "docexplorer")?.isDisabled == true, "removed from the file: disabled and kept")
    }

    @Test(arguments: StoreKind.allCases)
    func aCollisionWithAnAssistantOrCollectionMadeThroughTheAPIStopsTheStart(kind: StoreKind) async throws {
        let stores = try kind.makeStores()
        let reconciler = ConfigurationReconciler(file: Self.file, stores: stores, passwords: nil)
        let assistants = try kind.makeAssistants()
        try await assistants.create(Assistant(id: "docexplorer", name: "Mine", model: "smollm2", createdAt: Date()))
        let knowledge = InMemoryKnowledgeStore()
        try await knowledge.createCollection(KnowledgeCollection(id: "col_mine", name: "docs", teamIDs: [], embeddingModel: "m", createdAt: Date()))
        let (collections, declared) = declarations()
        do {
            _ = try await reconciler.reconcile(collections: collections, assistants: declared, assistantStore: assistants, knowledge: knowledge)
            Issue.record("the collision was not refused")
        } catch let error as ReconciliationError {
            let text = "\(error)"
            #expect(text.contains("collection 'docs'") && text.contains("col_mine"))
            #expect(text.contains("assistant 'docexplorer' declared at /etc/enclave/enclave.yaml:12:5"))
        }
        #expect(try await assistants.assistant(id: "docexplorer")?.name == "Mine")
        await #expect(throws: ReconciliationError.self) {
            try await reconciler.reconcile(
                collections: [],
                assistants: declared,
                assistantStore: InMemoryAssistantStore(),
                knowledge: nil,
                modelIDs: ["docexplorer"]
            )
        }
    }
}
