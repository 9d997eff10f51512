// Enclave core tests: the `assistants:` and `collections:` sections, and the assistant's own rules.

import EnclaveCore
import Foundation
import Testing

@Suite struct AssistantConfigurationTests {
    static let valid = """
        models:
          - id: smollm2
            file: models/smollm2.gguf
        teams:
          - name: research
          - name: marketing
        collections:
          - name: docs
            teams: [research]
        assistants:
          - id: docexplorer
            name: DocExplorer
            description: Answers from the team's documents
            model: smollm2
            system_prompt: You answer questions about our documents.
            temperature: 0.2
            top_p: 0.9
            max_tokens: 300
            collections: [docs]
            retrieval: {top_k: 4, min_relevance: 0.3, mode: hybrid, rerank: false, context_tokens: 900}
            guardrail_policy: strict
            teams: [research]
            store_conversations: true
          - id: brandspark
            name: BrandSpark
            model: smollm2
            teams: [marketing]
        """

    func problems(_ yaml: String) -> [ConfigurationError] {
        ConfigurationValidator.problems(yaml: yaml, source: "test.yaml", environment: [:])
    }

    @Test func readsEveryFieldOfAnAssistantAndACollection() throws {
        let configuration = try EnclaveConfiguration(yaml: Self.valid, source: "test.yaml", environment: [:])
        #expect(configuration.collections == [DeclaredCollection(name: "docs", teams: ["research"], location: .init(line: 8, column: 5))])
        let assistant = try #require(configuration.assistants.first?.assistant)
        #expect(assistant.id == "docexplorer" && assistant.name == "DocExplorer" && assistant.model == "smollm2")
        #expect(assistant.description == "Answers from the team's documents")
        #expect(assistant.systemPrompt == "You answer questions about our documents.")
        #expect(assistant.sampling == Assistant.Sampling(temperature: 0.2, topP: 0.9, maxTokens: 300))
        #expect(assistant.collections == ["docs"])
        #expect(
            assistant.retrieval == Assistant.Retrieval(settings: .init(topK: 4, minRelevance: 0.3, mode: .hybrid, rerank: false), contextTokens: 900)
        )
        #expect(assistant.guardrailPolicy == "strict")
        #expect(assistant.teamIDs == ["research"])
        #expect(assistant.storeConversations)
        let second = try #require(configuration.assistants.last?.assistant)
        #expect(second.retrieval == Assistant.Retrieval() && second.sampling == Assistant.Sampling() && !second.storeConversations)
        #expect(problems(Self.valid).isEmpty)
    }

    @Test func reportsEachProblemAtItsLineAndColumn() throws {
        let yaml = """
            models:
              - id: smollm2
                file: models/smollm2.gguf
            teams:
              - name: research
            collections:
              - name: docs
                teams: [nobody]
            assistants:
              - id: smollm2
                model: smollm2
              - id: helper
                model: gpt-9
                collections: [wiki]
                teams: [sales]
                temperature: 3
                retrieval: {top_k: 0, mode: fuzzy}
                colour: blue
              - id: Bad Id
                model: smollm2
              - name: no-id
                model: smollm2
            """
        let found = problems(yaml).map { "\($0.line ?? 0):\($0.column ?? 0) \($0.key ?? "")" }
        #expect(
            found == [
                "8:13 collections[0].teams",
                "10:9 assistants[0].id",
                "13:12 assistants[1].model",
                "14:19 assistants[1].collections",
                "15:13 assistants[1].teams",
                "16:18 assistants[1].temperature",
                "17:24 assistants[1].retrieval.top_k",
                "17:33 assistants[1].retrieval.mode",
                "18:5 assistants[1].colour",
                "19:9 assistants[2].id",
                "21:5 assistants[3].id",
            ]
        )
        #expect(throws: ConfigurationError.self) { try EnclaveConfiguration(yaml: yaml, source: "test.yaml", environment: [:]) }
    }

    @Test func anAssistantIDIsASlug() {
        #expect(Assistant.isSlug("docs-qa_2.v1"))
        for bad in ["", "Docs", "-docs", "docs qa", "dócs", String(repeating: "a", count: 65)] { #expect(!Assistant.isSlug(bad)) }
    }

    @Test func validationNamesTheField() {
        var assistant = Assistant(id: "docs", name: "Docs", model: "m", createdAt: Date())
        #expect(throws: Never.self) { try assistant.validate() }
        assistant.sampling.topP = 0
        #expect(throws: AssistantStoreError.invalid("top_p", "must be greater than 0 and at most 1")) { try assistant.validate() }
        assistant.sampling.topP = nil
        assistant.retrieval.settings.topK = 51
        #expect(throws: AssistantStoreError.invalid("retrieval.top_k", "must be between 1 and 50")) { try assistant.validate() }
    }

    @Test func samplingDefaultsFillOnlyWhatTheRequestLeavesUnset() {
        let defaults = Assistant.Sampling(temperature: 0.2, topP: 0.9, maxTokens: 300)
        #expect(defaults.filling(.init()) == defaults)
        #expect(defaults.filling(.init(temperature: 1.1)) == .init(temperature: 1.1, topP: 0.9, maxTokens: 300))
        #expect(defaults.filling(.init(topP: 0.5, maxTokens: 20)) == .init(temperature: 0.2, topP: 0.5, maxTokens: 20))
    }

    @Test func onlyTeamMembersAndAdminsMayUseAnAssistant() {
        let assistant = Assistant(id: "docs", name: "Docs", model: "m", teamIDs: ["team_a"], createdAt: Date())
        let member = Principal(
            id: "u1",
            name: "ann",
            role: .member,
            teams: [.init(id: "team_a", name: "a", weight: 1)],
            credential: .session(id: "s")
        )
        let outsider = Principal(
            id: "u2",
            name: "bob",
            role: .member,
            teams: [.init(id: "team_b", name: "b", weight: 1)],
            credential: .session(id: "s")
        )
        let admin = Principal(id: "u3", name: "root", role: .admin, credential: .session(id: "s"), scopes: [.admin, .inference])
        #expect(member.mayUse(assistant: assistant))
        #expect(!outsider.mayUse(assistant: assistant))
        #expect(admin.mayUse(assistant: assistant))
        var restricted = member
        restricted.allowedModels = ["m"]
        #expect(!restricted.mayUse(assistant: assistant), "a key's models list names the assistant, not its base model")
        restricted.allowedModels = ["docs"]
        #expect(restricted.mayUse(assistant: assistant))
        var nobody = assistant
        nobody.teamIDs = []
        #expect(!member.mayUse(assistant: nobody) && admin.mayUse(assistant: nobody), "no teams: admins only")
        nobody.isDisabled = true
        #expect(!admin.mayUse(assistant: nobody))
    }
}
