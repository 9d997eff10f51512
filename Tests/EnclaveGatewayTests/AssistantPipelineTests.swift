// Enclave gateway tests: assistants' turns, retrieval and citations.

import EnclaveCore
import EnclaveGateway
import EnclaveTesting
import Foundation
import Testing

/// Passages and stores for the assistant tests.
enum AssistantFixtures {
    static let date = Date(timeIntervalSince1970: 1_700_000_000)

    static func passage(
        _ id: Int64,
        _ text: String,
        document: String = "handbook.md",
        page: Int? = nil,
        headings: [String] = [],
        relevance: Double = 0.8
    )
        -> RetrievedPassage
    {
        let doc = KnowledgeDocument(
            id: "doc_\(document)",
            collectionID: "col_docs",
            name: document,
            sha256: "",
            byteCount: 0,
            format: "markdown",
            status: .ready,
            createdAt: date,
            updatedAt: date
        )
        let chunk = DocumentChunk(id: id, documentID: doc.id, ordinal: Int(id), text: text, page: page, headingPath: headings, tokenCount: 10)
        return RetrievedPassage(record: ChunkRecord(chunk: chunk, document: doc), relevance: relevance, score: relevance)
    }

    static let docs = Assistant(
        id: "docexplorer",
        name: "DocExplorer",
        model: "test-model",
        systemPrompt: "You answer questions about the handbook.",
        collections: ["docs"],
        teamIDs: ["team_research"],
        createdAt: date
    )

    static let member = Principal(
        id: "usr_ann",
        name: "ann",
        role: .member,
        teams: [.init(id: "team_research", name: "research", weight: 1)],
        credential: .session(id: "s")
    )

    static func knowledge(teams: [String] = ["team_research"]) async throws -> InMemoryKnowledgeStore {
        let store = InMemoryKnowledgeStore()
        try await store.createCollection(KnowledgeCollection(id: "col_docs", name: "docs", teamIDs: teams, embeddingModel: "m", createdAt: date))
        return store
    }
}

@Suite struct AssistantPipelineTests {
    typealias F = AssistantFixtures

    func pipeline(_ retriever: ScriptedRetriever, teams: [String] = ["team_research"]) async throws -> AssistantPipeline {
        AssistantPipeline(assistants: InMemoryAssistantStore([F.docs]), knowledge: try await F.knowledge(teams: teams), retriever: retriever)
    }

    @Test func theQueryCarriesEarlierUserTurnsSoFollowUpsKeepTheirSubject() {
        let conversation = [
            ChatTurn(role: "system", content: "Be brief"),
            ChatTurn(role: "user", content: "How many days of parental leave do we get?"),
            ChatTurn(role: "assistant", content: "Sixteen weeks [1]."),
            ChatTurn(role: "user", content: "and what about adoption?"),
        ]
        #expect(AssistantSources.query(from: conversation) == "How many days of parental leave do we get?\nand what about adoption?")
        let long = String(repeating: "x", count: 995)
        let bounded = [ChatTurn(role: "user", content: long), ChatTurn(role: "user", content: "and then?")]
        #expect(AssistantSources.query(from: bounded) == "and then?", "an earlier turn that does not fit the bound is left out")
        let many = (1...5).map { ChatTurn(role: "user", content: "q\($0)") }
        #expect(AssistantSources.query(from: many) == "q3\nq4\nq5")
        #expect(AssistantSources.query(from: [ChatTurn(role: "system", content: "x")]).isEmpty)
    }

    @Test func theSystemPromptComesFirstAndTheSourcesPrecedeTheLastQuestion() async throws {
        let retriever = ScriptedRetriever(passages: [
            F.passage(1, "Parental leave is sixteen weeks.", page: 3),
            F.passage(2, "Adoption counts as parental leave.", document: "policy.md", headings: ["Leave", "Adoption"]),
        ])
        let conversation = [ChatTurn(role: "system", content: "Answer in French."), ChatTurn(role: "user", content: "parental leave?")]
        let turn = try await pipeline(retriever).prepare(conversation, for: F.docs, principal: F.member, contextLength: 2048, maxTokens: 100)
        #expect(turn.retrieval == RetrievalOutcome(status: .found, sources: 2))
        #expect(turn.nothingFoundAnswer == nil)
        #expect(turn.turns.count == 3)
        #expect(turn.turns[0].role == "system")
        #expect(turn.turns[1] == conversation[0])
        #expect(turn.turns[0].content == "You answer questions about the handbook.\n\n" + AssistantSources.citationInstruction)
        #expect(
            turn.turns[2]
                == ChatTurn(
                    role: "user",
                    content:
                        "Sources:\n[1] (handbook.md, page 3) Parental leave is sixteen weeks.\n[2] (policy.md, Leave > Adoption) Adoption counts as parental leave."
                        + "\n\nQuestion: parental leave?\n" + AssistantSources.answerInstruction
                )
        )
        let call = try #require(retriever.calls.first)
        #expect(call.query == "parental leave?" && call.collectionIDs == ["col_docs"] && call.settings == F.docs.retrieval.settings)
    }

    @Test func nothingFoundGivesTheFixedAnswerAndNoSources() async throws {
        let retriever = ScriptedRetriever(passages: [F.passage(1, "Unrelated.", relevance: 0.1)])
        let turn = try await pipeline(retriever).prepare(
            [ChatTurn(role: "user", content: "q")],
            for: F.docs,
            principal: F.member,
            contextLength: 2048,
            maxTokens: nil
        )
        #expect(turn.retrieval == RetrievalOutcome(status: .empty, sources: 0))
        #expect(turn.nothingFoundAnswer == "I found nothing about this in the documents available to DocExplorer.")
        #expect(turn.sources.isEmpty)
    }

    @Test func collectionsThePrincipalMayNotReadAreNotSearched() async throws {
        let retriever = ScriptedRetriever(passages: [F.passage(1, "Secret.")])
        let turn = try await pipeline(retriever, teams: ["team_other"])
            .prepare([ChatTurn(role: "user", content: "q")], for: F.docs, principal: F.member, contextLength: 2048, maxTokens: nil)
        #expect(retriever.calls.isEmpty)
        #expect(turn.retrieval.status == .empty)
    }

    /// A failing retrieval is an error, never the "found nothing" answer: that would claim the documents
    /// do not say what they might.
    @Test func aRetrievalFailureIsNotReportedAsNothingFound() async throws {
        let retriever = ScriptedRetriever(failure: KnowledgeStoreError.unavailable("index offline"))
        let pipeline = try await pipeline(retriever)
        await #expect(throws: KnowledgeStoreError.unavailable("index offline")) {
            try await pipeline.prepare([ChatTurn(role: "user", content: "q")], for: F.docs, principal: F.member, contextLength: 2048, maxTokens: nil)
        }
    }

    @Test func anAssistantWithoutCollectionsDoesNotRetrieve() async throws {
        var writer = F.docs
        writer.collections = []
        let retriever = ScriptedRetriever(passages: [F.passage(1, "x")])
        let turn = try await pipeline(retriever).prepare(
            [ChatTurn(role: "user", content: "a slogan")],
            for: writer,
            principal: F.member,
            contextLength: nil,
            maxTokens: nil
        )
        #expect(retriever.calls.isEmpty)
        #expect(turn.retrieval == RetrievalOutcome(status: .none, sources: 0))
        #expect(turn.turns == [ChatTurn(role: "system", content: writer.systemPrompt), ChatTurn(role: "user", content: "a slogan")])
    }

    @Test func sourcesStopAtTheTokenBudget() {
        let passages = (1...5).map { F.passage(Int64($0), String(repeating: "word ", count: 60)) }
        let sources = AssistantSources.number(passages, collectionNames: ["col_docs": "docs"], budget: 250)
        #expect(sources.map(\.index) == [1, 2])
        #expect(sources.allSatisfy { $0.collection == "docs" })
        let cut = AssistantSources.number(passages, collectionNames: [:], budget: 60)
        #expect(cut.count == 1 && cut[0].text.count < passages[0].record.chunk.text.count)
        #expect(AssistantSources.number(passages, collectionNames: [:], budget: 5).isEmpty)
    }

    @Test func theBudgetLeavesRoomForTheConversationAndTheCompletion() {
        var assistant = F.docs
        assistant.systemPrompt = ""
        let conversation = [ChatTurn(role: "user", content: String(repeating: "a", count: 300))]
        // 100 tokens (estimated) of conversation + 4 + 64 reserved; max_tokens 200 of a 1,024 context.
        #expect(AssistantPipeline.sourceBudget(for: assistant, conversation: conversation, contextLength: 1024, maxTokens: 200) == 512)
        #expect(AssistantPipeline.sourceBudget(for: assistant, conversation: conversation, contextLength: 600, maxTokens: 200) == 232)
        assistant.retrieval.contextTokens = 100
        #expect(AssistantPipeline.sourceBudget(for: assistant, conversation: conversation, contextLength: 1024, maxTokens: 200) == 100)
    }

    @Test func citationsFollowTheMarkersAndIgnoreNumbersWithoutASource() {
        let sources = [
            NumberedSource(index: 1, passage: F.passage(1, "Parental leave is sixteen weeks."), collection: "docs"),
            NumberedSource(index: 2, passage: F.passage(2, "Adoption counts.", page: 4), collection: "docs"),
            NumberedSource(index: 3, passage: F.passage(3, "Other."), collection: "docs"),
        ]
        #expect(AssistantSources.citedNumbers(in: "A [2], b [1, 3][2] c [x] d [] e [ 9 ]") == [2, 1, 3, 9])
        let citations = AssistantSources.citations(in: "Sixteen weeks [2][9], see also [1].", sources: sources)
        #expect(citations.map(\.index) == [2, 1])
        #expect(citations[0].page == 4 && citations[0].documentID == "doc_handbook.md" && !citations[0].attributed)
        #expect(citations[0].snippet == "Adoption counts." && citations[0].collection == "docs" && citations[0].relevance == 0.8)
    }

    @Test func anAnswerThatCitesNothingValidIsAttributedByOverlap() {
        let sources = [
            NumberedSource(index: 1, passage: F.passage(1, "The cafeteria opens at noon."), collection: "docs"),
            NumberedSource(index: 2, passage: F.passage(2, "Parental leave lasts sixteen weeks for every parent."), collection: "docs"),
        ]
        let attributed = AssistantSources.citations(in: "Parental leave lasts sixteen weeks [7].", sources: sources)
        #expect(attributed.map(\.index) == [2])
        #expect(attributed.allSatisfy { $0.attributed })
        #expect(AssistantSources.citations(in: "I do not know.", sources: sources).isEmpty)
    }

    @Test func snippetsAreCutAtAWord() {
        let text = String(repeating: "alpha ", count: 100)
        let snippet = AssistantSources.snippet(of: text)
        #expect(snippet.count <= AssistantSources.snippetLength && snippet.hasSuffix("alpha…"))
        #expect(AssistantSources.snippet(of: "  short  ") == "short")
    }

    @Test func anAssistantOutsideThePrincipalsTeamsIsAnUnknownModel() async throws {
        let pipeline = try await pipeline(ScriptedRetriever())
        let outsider = Principal(id: "usr_bob", name: "bob", role: .member, credential: .session(id: "s"))
        await #expect(throws: InferenceError.unknownModel("docexplorer")) { try await pipeline.assistant(named: "docexplorer", for: outsider) }
        #expect(try await pipeline.assistant(named: "test-model", for: outsider) == nil)
        #expect(try await pipeline.assistant(named: "docexplorer", for: F.member)?.id == "docexplorer")
        #expect(try await pipeline.assistants(for: outsider).isEmpty)
    }
}
