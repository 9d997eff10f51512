// Enclave server tests: /v1/collections and their documents over the in-memory knowledge store.

import EnclaveCore
import EnclaveKnowledge
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite struct KnowledgeRoutesTests {
    let server: TestServer
    let knowledge = InMemoryKnowledgeStore()
    let ingestor: KnowledgeIngestor
    /// Alice is in the team `support`, Bob in `sales`.
    let aliceKey: String
    let bobKey: String
    let supportID: String

    init() async throws {
        server = try await TestServer()
        ingestor = KnowledgeIngestor(
            store: knowledge,
            embedders: [WordCountEmbedder()],
            settings: IngestionSettings(maxDocumentBytes: 2048, chunkTokens: 4, chunkOverlapTokens: 0),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        let administration = IdentityAdministration(stores: server.stores)
        let support = try await administration.createTeam(name: "support")
        let sales = try await administration.createTeam(name: "sales")
        let alice = try await administration.createUser(name: "alice")
        let bob = try await administration.createUser(name: "bob")
        _ = try await administration.addMember(user: alice.id, team: support.id)
        _ = try await administration.addMember(user: bob.id, team: sales.id)
        aliceKey = try await administration.createKey(name: "a", userID: alice.id).secret.value
        bobKey = try await administration.createKey(name: "b", userID: bob.id).secret.value
        supportID = support.id
    }

    func withServer(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = buildApplication(
            configuration: server.configuration,
            backend: server.backend,
            stores: server.stores,
            metrics: server.metrics,
            embeddings: [WordCountEmbedder()],
            knowledge: ingestor,
            logger: Logger(label: "enclave-test") { _ in SwiftLogNoOpLogHandler() },
            services: [IngestionService(ingestor: ingestor)]
        )
        try await app.test(.router, body)
    }

    /// Creates the collection `docs` for the team `support` as Alice; returns its id.
    func createDocs(_ client: any TestClientProtocol) async throws -> String {
        let response = try await client.post("/v1/collections", json: #"{"name":"docs","teams":["support"]}"#, headers: server.headers(key: aliceKey))
        #expect(response.status == .created)
        let object = try response.json()
        #expect(object["object"] as? String == "collection")
        #expect(object["teams"] as? [String] == [supportID])
        #expect(object["embedding_model"] as? String == "test-embed")
        return try #require(object["id"] as? String)
    }

    /// The document id of an upload's first result.
    func firstDocumentID(_ upload: TestResponse) throws -> String {
        let results = try #require(try upload.json()["data"] as? [[String: Any]])
        return try #require(results.first?["document_id"] as? String)
    }

    /// Polls a document until it is no longer queued or indexing.
    func finished(_ client: any TestClientProtocol, _ collection: String, _ document: String, key: String) async throws -> [String: Any] {
        for _ in 0..<300 {
            let object = try await client.execute(
                uri: "/v1/collections/\(collection)/documents/\(document)",
                method: .get,
                headers: server.headers(key: key)
            ) { $0 }.json()
            if let status = object["status"] as? String, status != "queued", status != "indexing" { return object }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the document did not finish")
        return [:]
    }

    @Test func jsonUploadsAreIndexedInTheBackgroundAndListed() async throws {
        try await withServer { client in
            let id = try await createDocs(client)
            let body =
                #"{"documents":[{"name":"a.txt","content":"one two three alpha beta\n\nsix seven eight nine"},{"name":"b.txt","content_base64":"Zm91ciBmaXZl"},{"name":"c.exe","content":"x"}]}"#
            let response = try await client.post("/v1/collections/\(id)/documents", json: body, headers: server.headers(key: aliceKey))
            #expect(response.status == .accepted)
            let results = try #require(try response.json()["data"] as? [[String: Any]])
            #expect(results.map { $0["status"] as? String } == ["queued", "queued", "failed"])
            #expect((results[2]["reason"] as? String)?.contains("'.exe' is not a format") == true)
            let a = try #require(results[0]["document_id"] as? String)
            let b = try #require(results[1]["document_id"] as? String)

            let ready = try await finished(client, id, a, key: aliceKey)
            #expect(ready["status"] as? String == "ready")
            #expect(ready["chunk_count"] as? Int == 2)
            #expect(ready["name"] as? String == "a.txt")
            #expect(try await finished(client, id, b, key: aliceKey)["status"] as? String == "ready")
            #expect(try await knowledge.keywordSearch("five", inCollections: [id], limit: 5).count == 1)

            let again = try await client.post(
                "/v1/collections/docs/documents",
                json: #"{"name":"a.txt","content":"one two three alpha beta\n\nsix seven eight nine"}"#,
                headers: server.headers(key: aliceKey)
            )
            #expect(try #require(try again.json()["data"] as? [[String: Any]]).first?["status"] as? String == "unchanged")

            let list = try await client.execute(uri: "/v1/collections/docs/documents", method: .get, headers: server.headers(key: aliceKey)) { $0 }
            let names = try #require(try list.json()["data"] as? [[String: Any]]).map { $0["name"] as? String }
            #expect(names == ["a.txt", "b.txt"])
        }
    }

    @Test func multipartUploadsCarrySeveralFiles() async throws {
        try await withServer { client in
            let id = try await createDocs(client)
            let boundary = "XyZboundary"
            let body =
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"first.txt\"\r\nContent-Type: text/plain\r\n\r\nfirst words\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"second.txt\"\r\n\r\nsecond words\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nignored\r\n--\(boundary)--\r\n"
            var headers = server.headers(key: aliceKey)
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let response = try await client.execute(
                uri: "/v1/collections/\(id)/documents",
                method: .post,
                headers: headers,
                body: ByteBuffer(string: body)
            ) { $0 }
            #expect(response.status == .accepted)
            let results = try #require(try response.json()["data"] as? [[String: Any]])
            #expect(results.map { $0["name"] as? String } == ["first.txt", "second.txt"])
            #expect(results.allSatisfy { $0["status"] as? String == "queued" })
            let second = try #require(results[1]["document_id"] as? String)
            #expect(try await finished(client, id, second, key: aliceKey)["status"] as? String == "ready")
            #expect(try await knowledge.keywordSearch("second", inCollections: [id], limit: 5).count == 1)
        }
    }

    @Test func anUploadLargerThanTheServersBodyLimitIsAcceptedUpToItsOwn() async throws {
        try await withServer { client in
            let id = try await createDocs(client)
            // The test server's limits.max_body_bytes is 16 KiB; an upload of 16 files of 2 KiB may be larger.
            let text = String(repeating: "word ", count: 400)
            let documents = (0..<12).map { #"{"name":"f\#($0).txt","content":"\#(text) \#($0)"}"# }.joined(separator: ",")
            let response = try await client.post(
                "/v1/collections/\(id)/documents",
                json: #"{"documents":[\#(documents)]}"#,
                headers: server.headers(key: aliceKey)
            )
            #expect(response.status == .accepted)
            let tooMany = (0..<17).map { #"{"name":"g\#($0).txt","content":"g\#($0)"}"# }.joined(separator: ",")
            let refused = try await client.post(
                "/v1/collections/\(id)/documents",
                json: #"{"documents":[\#(tooMany)]}"#,
                headers: server.headers(key: aliceKey)
            )
            #expect(refused.status == .badRequest)
            let huge = String(repeating: "x", count: 160 * 1024)
            let tooLarge = try await client.post(
                "/v1/collections/\(id)/documents",
                json: #"{"name":"h.txt","content":"\#(huge)"}"#,
                headers: server.headers(key: aliceKey)
            )
            #expect(tooLarge.status == .contentTooLarge)
            #expect(try tooLarge.openAIError()["code"] as? String == "request_too_large")
        }
    }

    @Test func anotherTeamsCollectionIsNotFoundOnEveryRoute() async throws {
        try await withServer { client in
            let id = try await createDocs(client)
            let upload = try await client.post(
                "/v1/collections/\(id)/documents",
                json: #"{"name":"a.txt","content":"secret plans"}"#,
                headers: server.headers(key: aliceKey)
            )
            let document = try firstDocumentID(upload)
            _ = try await finished(client, id, document, key: aliceKey)

            let bob = server.headers(key: bobKey)
            let listed = try await client.execute(uri: "/v1/collections", method: .get, headers: bob) { $0 }
            #expect(try #require(try listed.json()["data"] as? [[String: Any]]).isEmpty)
            for (method, uri) in [
                (HTTPRequest.Method.get, "/v1/collections/\(id)"), (.get, "/v1/collections/docs"), (.delete, "/v1/collections/\(id)"),
                (.get, "/v1/collections/\(id)/documents"), (.get, "/v1/collections/\(id)/documents/\(document)"),
                (.delete, "/v1/collections/\(id)/documents/\(document)"),
            ] {
                let response = try await client.execute(uri: uri, method: method, headers: bob) { $0 }
                #expect(response.status == .notFound, "\(method) \(uri)")
                #expect(try response.openAIError()["code"] as? String == "not_found")
            }
            let post = try await client.post("/v1/collections/\(id)/documents", json: #"{"name":"b.txt","content":"x"}"#, headers: bob)
            #expect(post.status == .notFound)
            // The same 404 as a collection that does not exist.
            let absent = try await client.execute(uri: "/v1/collections/nothing", method: .get, headers: bob) { $0 }
            #expect(absent.status == .notFound)
            // Bob cannot make a collection for Alice's team; the admin sees every collection.
            let foreign = try await client.post("/v1/collections", json: #"{"name":"mine","teams":["support"]}"#, headers: bob)
            #expect(foreign.status == .forbidden)
            let adminList = try await client.execute(uri: "/v1/collections", method: .get, headers: server.headers()) { $0 }
            #expect(try #require(try adminList.json()["data"] as? [[String: Any]]).map { $0["id"] as? String } == [id])
        }
    }

    @Test func deletingADocumentAndACollectionRemovesThemFromEveryIndex() async throws {
        try await withServer { client in
            let id = try await createDocs(client)
            let upload = try await client.post(
                "/v1/collections/\(id)/documents",
                json: #"{"name":"a.txt","content":"unique marker"}"#,
                headers: server.headers(key: aliceKey)
            )
            let document = try firstDocumentID(upload)
            _ = try await finished(client, id, document, key: aliceKey)
            #expect(try await knowledge.keywordSearch("marker", inCollections: [id], limit: 5).count == 1)

            let deleted = try await client.execute(
                uri: "/v1/collections/\(id)/documents/a.txt",
                method: .delete,
                headers: server.headers(key: aliceKey)
            ) { $0 }
            #expect(deleted.status == .ok)
            #expect(try deleted.json()["deleted"] as? Bool == true)
            #expect(try await knowledge.keywordSearch("marker", inCollections: [id], limit: 5).isEmpty)
            #expect(try await knowledge.vectorChanges(inCollection: id, after: .start).added.isEmpty)
            let gone = try await client.execute(
                uri: "/v1/collections/\(id)/documents/\(document)",
                method: .get,
                headers: server.headers(key: aliceKey)
            ) { $0 }
            #expect(gone.status == .notFound)

            let dropped = try await client.execute(uri: "/v1/collections/docs", method: .delete, headers: server.headers(key: aliceKey)) { $0 }
            #expect(dropped.status == .ok)
            #expect(try await knowledge.collections().isEmpty)
            let actions = try await server.stores.audit.records(from: 0, limit: 1000).map(\.action.rawValue)
            #expect(actions.contains("collection.create"))
            #expect(actions.contains("document.create"))
            #expect(actions.contains("document.delete"))
            #expect(actions.contains("collection.delete"))
        }
    }

    @Test func badCollectionRequestsAreExplained() async throws {
        try await withServer { client in
            let badName = try await client.post("/v1/collections", json: #"{"name":"no spaces"}"#, headers: server.headers())
            #expect(badName.status == .badRequest)
            let unknownTeam = try await client.post("/v1/collections", json: #"{"name":"x","teams":["nobody"]}"#, headers: server.headers())
            #expect(unknownTeam.status == .notFound)
            let badModel = try await client.post("/v1/collections", json: #"{"name":"x","embedding_model":"nope"}"#, headers: server.headers())
            #expect(badModel.status == .badRequest)
            #expect(try badModel.openAIError()["param"] as? String == "embedding_model")
            _ = try await createDocs(client)
            let taken = try await client.post(
                "/v1/collections",
                json: #"{"name":"docs","teams":["support"]}"#,
                headers: server.headers(key: aliceKey)
            )
            #expect(taken.status == .init(code: 409))
            let noTeams = try await client.post("/v1/collections", json: #"{"name":"lonely"}"#, headers: server.headers(key: aliceKey))
            #expect(noTeams.status == .forbidden)
            let noFile = try await client.post("/v1/collections/docs/documents", json: #"{"documents":[]}"#, headers: server.headers(key: aliceKey))
            #expect(noFile.status == .badRequest)
        }
    }
}
