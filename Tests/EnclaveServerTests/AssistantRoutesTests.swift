// Enclave server tests: assistants as models, answers with citations, and /admin/v1/assistants.

import EnclaveCore
import EnclaveGateway
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Testing

@Suite struct AssistantRoutesTests {
    static let date = Date(timeIntervalSince1970: 1_700_000_000)

    static func passage(_ id: Int64, _ text: String, page: Int? = nil) -> RetrievedPassage {
        let document = KnowledgeDocument(
            id: "doc_handbook",
            collectionID: "col_docs",
            name: "handbook.md",
            sha256: "",
            byteCount: 0,
            format: "markdown",
            status: .ready,
            createdAt: date,
            updatedAt: date
        )
        let chunk = DocumentChunk(id: id, documentID: document.id, ordinal: Int(id), text: text, page: page, headingPath: ["Leave"], tokenCount: 8)
        return RetrievedPassage(record: ChunkRecord(chunk: chunk, document: document), relevance: 0.75, score: 0.75)
    }

    static let docs = Assistant(
        id: "docexplorer",
        name: "DocExplorer",
        description: "Answers from the handbook",
        model: "test-model",
        systemPrompt: "You answer from the handbook.",
        sampling: .init(temperature: 0.2, topP: 0.8, maxTokens: 50),
        collections: ["docs"],
        teamIDs: [],
        createdAt: date
    )

    static let writer = Assistant(id: "brandspark", name: "BrandSpark", model: "test-model", systemPrompt: "You write copy.", createdAt: date)

    /// A server whose backend answers `pieces`, with the two assistants (admins only: no teams).
    static func server(
        pieces: [String] = ["Sixteen", " weeks", " [1]", "."],
        passages: [RetrievedPassage]? = nil
    ) async throws -> (
        TestServer, ScriptedRetriever
    ) {
        let retriever = ScriptedRetriever(passages: passages ?? [passage(1, "Parental leave is sixteen weeks.", page: 2), passage(2, "Other.")])
        let knowledge = InMemoryKnowledgeStore()
        try await knowledge.createCollection(KnowledgeCollection(id: "col_docs", name: "docs", teamIDs: [], embeddingModel: "m", createdAt: date))
        let pipeline = AssistantPipeline(assistants: InMemoryAssistantStore([docs, writer]), knowledge: knowledge, retriever: retriever)
        let backend = ScriptedBackend(models: [.init(id: "test-model", contextLength: 4096)], script: .init(pieces: pieces))
        return (try await TestServer(backend: backend, assistants: pipeline), retriever)
    }

    /// The `retrieval` extension field as `status/sources`.
    static func retrieval(_ object: [String: Any]) -> String? {
        guard let field = object["retrieval"] as? [String: Any], let status = field["status"] as? String, let sources = field["sources"] as? Int
        else { return nil }
        return "\(status)/\(sources)"
    }

    static func chat(_ model: String, _ content: String, stream: Bool = false) -> String {
        #"{"model":"\#(model)","messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"\#(content)"}]\#(stream ? #","stream":true"# : "")}"#
    }

    @Test func assistantsAreListedAfterTheModelsWithTheirExtension() async throws {
        let (server, _) = try await Self.server()
        try await server.test { client in
            let list = try await client.execute(uri: "/v1/models", method: .get, headers: server.headers())
            let data = try #require(try list.json()["data"] as? [[String: Any]])
            #expect(data.map { $0["id"] as? String } == ["test-model", "brandspark", "docexplorer"])
            let docs = data[2]
            #expect(docs["owned_by"] as? String == "enclave" && docs["object"] as? String == "model")
            let enclave = try #require(docs["enclave"] as? [String: String])
            #expect(enclave == ["kind": "assistant", "name": "DocExplorer", "description": "Answers from the handbook", "base_model": "test-model"])
            #expect(data[0]["enclave"] == nil)
            let one = try await client.execute(uri: "/v1/models/docexplorer", method: .get, headers: server.headers())
            #expect(one.status == .ok)
            #expect(try one.json()["id"] as? String == "docexplorer")
        }
    }

    @Test func aCallerOutsideTheTeamsIsToldTheAssistantDoesNotExist() async throws {
        let (server, retriever) = try await Self.server()
        let administration = IdentityAdministration(stores: server.stores)
        let ann = try await administration.createUser(name: "ann")
        let key = try await administration.createKey(name: "laptop", userID: ann.id).secret.value
        try await server.test { client in
            let list = try await client.execute(uri: "/v1/models", method: .get, headers: server.headers(key: key))
            #expect((try list.json()["data"] as? [[String: Any]])?.map { $0["id"] as? String } == ["test-model"])
            let unknown = try await client.post("/v1/chat/completions", json: Self.chat("no-such-model", "hi"), headers: server.headers(key: key))
            let hidden = try await client.post("/v1/chat/completions", json: Self.chat("docexplorer", "hi"), headers: server.headers(key: key))
            #expect(hidden.status == .notFound && unknown.status == .notFound)
            #expect(try hidden.openAIError()["code"] as? String == "model_not_found")
            #expect(try hidden.openAIError()["message"] as? String == "The model 'docexplorer' does not exist or is not served here.")
            let model = try await client.execute(uri: "/v1/models/docexplorer", method: .get, headers: server.headers(key: key))
            #expect(model.status == .notFound)
        }
        #expect(retriever.calls.isEmpty)
        #expect(server.backend.preparedRequests.isEmpty)
    }

    /// A key whose `models` list names the assistant may use it without listing its base model, and one
    /// that lists only the base model may not use the assistant (both keys are an admin's: the assistant
    /// has no teams, so it is for admins only).
    @Test func aKeysModelListNamesAssistantsByID() async throws {
        let (server, _) = try await Self.server()
        let administration = IdentityAdministration(stores: server.stores)
        let onlyAssistant = try await administration.createKey(
            name: "docs-only",
            userID: User.builtInAdminID,
            scopes: [.admin, .inference],
            allowedModels: ["docexplorer"]
        )
        let onlyModel = try await administration.createKey(
            name: "model-only",
            userID: User.builtInAdminID,
            scopes: [.admin, .inference],
            allowedModels: ["test-model"]
        )
        try await server.test { client in
            let allowed = try await client.post(
                "/v1/chat/completions",
                json: Self.chat("docexplorer", "leave?"),
                headers: server.headers(key: onlyAssistant.secret.value)
            )
            #expect(allowed.status == .ok)
            let refused = try await client.post(
                "/v1/chat/completions",
                json: Self.chat("docexplorer", "leave?"),
                headers: server.headers(key: onlyModel.secret.value)
            )
            #expect(refused.status == .notFound)
        }
    }

    @Test func anAnswerListsTheSourcesItCites() async throws {
        let (server, retriever) = try await Self.server()
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: Self.chat("docexplorer", "parental leave?"), headers: server.headers())
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["model"] as? String == "docexplorer")
            let message = try #require((body["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])
            #expect(message["content"] as? String == "Sixteen weeks [1].")
            let citations = try #require(body["citations"] as? [[String: Any]])
            #expect(citations.count == 1)
            let citation = citations[0]
            #expect(citation["index"] as? Int == 1 && citation["document_id"] as? String == "doc_handbook")
            #expect(citation["document"] as? String == "handbook.md" && citation["collection"] as? String == "docs")
            #expect(citation["page"] as? Int == 2 && citation["heading_path"] as? [String] == ["Leave"])
            #expect(citation["snippet"] as? String == "Parental leave is sixteen weeks." && citation["attributed"] as? Bool == false)
            #expect(citation["relevance"] as? Double == 0.75)
            #expect(Self.retrieval(body) == "found/2")
        }
        let request = try #require(server.backend.preparedRequests.first)
        #expect(request.model == "test-model")
        #expect(request.parameters.temperature == 0.2 && request.parameters.topP == 0.8 && request.parameters.maxTokens == 50)
        guard case .chat(let turns) = request.prompt else {
            Issue.record("not a chat prompt")
            return
        }
        #expect(turns.map(\.role) == ["system", "system", "user"])
        #expect(turns[0].content.hasPrefix("You answer from the handbook."))
        #expect(turns[1].content == "Be brief")
        #expect(turns[2].content.hasPrefix("Sources:\n[1] (handbook.md, page 2, Leave)") && turns[2].content.contains("Question: parental leave?"))
        #expect(retriever.calls.map(\.query) == ["parental leave?"])
        // The request's audit record names the assistant; no prompt, passage or answer reaches the logs or the audit log.
        let records = try await server.stores.audit.records(from: 1, limit: 100).map(\.entry)
        #expect(records.filter { $0.action == .request }.map(\.model) == ["docexplorer"])
        let logged = server.logs.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n") + "\(records)"
        for secret in ["sixteen weeks", "parental leave?", "Sixteen weeks [1]", "You answer from the handbook"] {
            #expect(!logged.localizedCaseInsensitiveContains(secret), "'\(secret)' reached the logs or the audit log")
        }
    }

    @Test func aRequestsOwnSamplingWinsOverTheAssistants() async throws {
        let (server, _) = try await Self.server()
        let json = #"{"model":"docexplorer","messages":[{"role":"user","content":"q"}],"temperature":1.5,"max_tokens":7}"#
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: json, headers: server.headers())
            #expect(response.status == .ok)
        }
        let parameters = try #require(server.backend.preparedRequests.first?.parameters)
        #expect(parameters.temperature == 1.5 && parameters.maxTokens == 7 && parameters.topP == 0.8)
    }

    @Test func aStreamEndsWithTheCitationsChunkBeforeDone() async throws {
        let (server, _) = try await Self.server()
        try await server.test { client in
            let response = try await client.post(
                "/v1/chat/completions",
                json: Self.chat("docexplorer", "leave?", stream: true),
                headers: server.headers()
            )
            let events = response.events()
            #expect(events.last == "[DONE]")
            let final = try parseEvent(events[events.count - 2])
            #expect(final["object"] as? String == "chat.completion.chunk")
            #expect((final["choices"] as? [Any])?.isEmpty == true)
            #expect((final["citations"] as? [[String: Any]])?.map { $0["index"] as? Int } == [1])
            #expect(Self.retrieval(final) == "found/2")
            let others = try events.dropLast(2).map(parseEvent)
            #expect(others.allSatisfy { $0["citations"] == nil })
        }
    }

    @Test func nothingFoundAnswersWithoutCallingTheModel() async throws {
        let (server, _) = try await Self.server(passages: [])
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: Self.chat("docexplorer", "the moon?"), headers: server.headers())
            let body = try response.json()
            let choice = try #require((body["choices"] as? [[String: Any]])?.first)
            #expect(
                (choice["message"] as? [String: Any])?["content"] as? String
                    == "I found nothing about this in the documents available to DocExplorer."
            )
            #expect(choice["finish_reason"] as? String == "stop")
            #expect((body["usage"] as? [String: Int])?["completion_tokens"] == 0)
            #expect(Self.retrieval(body) == "empty/0")
            #expect((body["citations"] as? [Any])?.isEmpty == true)
            let streamed = try await client.post(
                "/v1/chat/completions",
                json: Self.chat("docexplorer", "the moon?", stream: true),
                headers: server.headers()
            )
            let events = streamed.events()
            #expect(events.last == "[DONE]")
            #expect(try Self.retrieval(parseEvent(events[events.count - 2])) == "empty/0")
            #expect(events.contains { $0.contains("I found nothing about this") })
        }
        #expect(server.backend.preparedRequests.isEmpty)
    }

    @Test func anAssistantWithoutCollectionsSaysRetrievalDidNotRun() async throws {
        let (server, retriever) = try await Self.server(pieces: ["Fresh", " bread", "!"])
        try await server.test { client in
            let body = try await client.post("/v1/chat/completions", json: Self.chat("brandspark", "a slogan"), headers: server.headers()).json()
            #expect(Self.retrieval(body) == "none/0")
            #expect((body["citations"] as? [Any])?.isEmpty == true)
            let plain = try await client.post("/v1/chat/completions", json: Self.chat("test-model", "hi"), headers: server.headers()).json()
            #expect(plain["retrieval"] == nil && plain["citations"] == nil, "a plain model's answer has no extension fields")
        }
        #expect(retriever.calls.isEmpty)
    }

    @Test func adminsCreateChangeAndDeleteAssistants() async throws {
        let (server, _) = try await Self.server()
        try await server.test { client in
            let create = #"{"id":"codesage","name":"CodeSage","model":"test-model","system_prompt":"You help with code.","retrieval":{"top_k":3}}"#
            let created = try await client.post("/admin/v1/assistants", json: create, headers: server.headers())
            #expect(created.status == .created)
            let object = try created.json()
            #expect(object["id"] as? String == "codesage" && object["system_prompt"] as? String == "You help with code.")
            #expect((object["retrieval"] as? [String: Any])?["top_k"] as? Int == 3)
            let again = try await client.post("/admin/v1/assistants", json: create, headers: server.headers())
            #expect(again.status == .conflict)
            let model = try await client.post(
                "/admin/v1/assistants",
                json: #"{"id":"test-model","name":"x","model":"test-model"}"#,
                headers: server.headers()
            )
            #expect(model.status == .conflict, "an assistant may not take a model's id")
            let unknown = try await client.post(
                "/admin/v1/assistants",
                json: #"{"id":"x","name":"x","model":"test-model","colour":1}"#,
                headers: server.headers()
            )
            #expect(unknown.status == .badRequest)
            let badModel = try await client.post("/admin/v1/assistants", json: #"{"id":"x","name":"x","model":"gpt-9"}"#, headers: server.headers())
            #expect(badModel.status == .badRequest)
            #expect(try badModel.openAIError()["param"] as? String == "model")
            let patch = try await client.execute(
                uri: "/admin/v1/assistants/codesage",
                method: .patch,
                headers: server.headers(),
                body: ByteBuffer(string: #"{"temperature":0.1,"description":"Code"}"#)
            )
            #expect(patch.status == .ok)
            #expect(try patch.json()["temperature"] as? Double == 0.1)
            let listed = try await client.execute(uri: "/v1/models", method: .get, headers: server.headers())
            #expect((try listed.json()["data"] as? [[String: Any]])?.contains { $0["id"] as? String == "codesage" } == true)
            let deleted = try await client.execute(uri: "/admin/v1/assistants/codesage", method: .delete, headers: server.headers())
            #expect(deleted.status == .ok)
            #expect(try deleted.json()["deleted"] as? Bool == true)
            let gone = try await client.execute(uri: "/admin/v1/assistants/codesage", method: .get, headers: server.headers())
            #expect(gone.status == .notFound)
        }
        let actions = try await server.stores.audit.records(from: 1, limit: 1000).map(\.entry.action.rawValue)
        #expect(actions.filter { $0.hasPrefix("assistant.") } == ["assistant.create", "assistant.update", "assistant.delete"])
    }

    @Test func aDeclaredAssistantIsReadOnlyThroughTheAPI() async throws {
        var declared = Self.writer
        declared.id = "declared"
        declared.managedBy = "/etc/enclave.yaml"
        let store = InMemoryAssistantStore([declared])
        let backend = ScriptedBackend(models: [.init(id: "test-model", contextLength: 4096)])
        let server = try await TestServer(backend: backend, assistants: AssistantPipeline(assistants: store))
        try await server.test { client in
            let patch = try await client.execute(
                uri: "/admin/v1/assistants/declared",
                method: .patch,
                headers: server.headers(),
                body: ByteBuffer(string: #"{"name":"Other"}"#)
            )
            #expect(patch.status == .conflict)
            #expect(try patch.openAIError()["code"] as? String == "managed_by_config")
            let delete = try await client.execute(uri: "/admin/v1/assistants/declared", method: .delete, headers: server.headers())
            #expect(delete.status == .conflict)
        }
    }
}
