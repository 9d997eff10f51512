// Enclave server tests: POST /v1/embeddings over a deterministic embedder.

import EnclaveCore
import EnclaveGateway
import EnclaveOpenAI
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A deterministic embedding model: a word is one token (its length + 10), with markers 1 and 2 around each
/// input; the vector of a sequence is [token count, token sum, 0.25, -1.5].
struct WordCountEmbedder: EmbeddingBackend {
    let descriptor = EmbeddingModelDescriptor(id: "test-embed", dimensions: 4, maxInputTokens: 8, vocabularySize: 100, created: 1_700_000_000)

    func tokenize(_ text: String) -> [Int] {
        [1] + text.split(separator: " ").map { 10 + $0.count } + [2]
    }

    func sequence(forTokenIDs ids: [Int]) -> [Int] { [1] + ids + [2] }

    func embed(_ sequences: [[Int]]) async throws -> [[Float]] {
        sequences.map { [Float($0.count), Float($0.reduce(0, +)), 0.25, -1.5] }
    }
}

@Suite struct EmbeddingsRoutesTests {
    /// Runs `body` against an application serving the chat model `test-model` and the embedding model `test-embed`.
    static func withServer(
        _ server: TestServer,
        limitGate: LimitGate? = nil,
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let app = buildApplication(
            configuration: server.configuration,
            backend: server.backend,
            stores: server.stores,
            metrics: server.metrics,
            limitGate: limitGate,
            embeddings: [WordCountEmbedder()],
            logger: Logger(label: "enclave-test") { _ in SwiftLogNoOpLogHandler() }
        )
        try await app.test(.router, body)
    }

    @Test func embedsAStringAsFloats() async throws {
        let server = try await TestServer()
        try await Self.withServer(server) { client in
            let response = try await client.post(
                "/v1/embeddings",
                json: #"{"model":"test-embed","input":"hello big world","user":"u1"}"#,
                headers: server.headers()
            )
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["object"] as? String == "list")
            #expect(body["model"] as? String == "test-embed")
            #expect(body["usage"] as? [String: Int] == ["prompt_tokens": 5, "total_tokens": 5])
            let data = try #require(body["data"] as? [[String: Any]])
            #expect(data.count == 1)
            #expect(data[0]["object"] as? String == "embedding")
            #expect(data[0]["index"] as? Int == 0)
            #expect(data[0]["embedding"] as? [Double] == [5, 1 + 15 + 13 + 15 + 2, 0.25, -1.5])
        }
    }

    @Test func everyInputShapeAndBase64() async throws {
        let server = try await TestServer()
        try await Self.withServer(server) { client in
            let texts = try await client.post("/v1/embeddings", json: #"{"model":"test-embed","input":["a","bb cc"]}"#, headers: server.headers())
                .json()
            let vectors = try #require(texts["data"] as? [[String: Any]]).map { $0["embedding"] as? [Double] }
            #expect(vectors == [[3, 14, 0.25, -1.5], [4, 27, 0.25, -1.5]])
            #expect(texts["usage"] as? [String: Int] == ["prompt_tokens": 7, "total_tokens": 7])

            let tokens = try await client.post("/v1/embeddings", json: #"{"model":"test-embed","input":[5,6,7]}"#, headers: server.headers()).json()
            #expect((tokens["data"] as? [[String: Any]])?.first?["embedding"] as? [Double] == [5, 21, 0.25, -1.5])

            let arrays = try await client.post("/v1/embeddings", json: #"{"model":"test-embed","input":[[5],[6,7]]}"#, headers: server.headers())
                .json()
            let indices = try #require(arrays["data"] as? [[String: Any]]).map { $0["index"] as? Int }
            #expect(indices == [0, 1])

            let json = #"{"model":"test-embed","input":["a","bb cc"],"encoding_format":"base64","dimensions":4}"#
            let base64 = try await client.post("/v1/embeddings", json: json, headers: server.headers()).json()
            let encoded = try #require(base64["data"] as? [[String: Any]]).compactMap { $0["embedding"] as? String }
            #expect(encoded.map { EmbeddingVector.floats(base64: $0) } == [[3, 14, 0.25, -1.5], [4, 27, 0.25, -1.5]])
            // Little-endian float32: 3.0 is 00 00 40 40.
            #expect(Data(base64Encoded: encoded[0])?.prefix(4) == Data([0, 0, 0x40, 0x40]))
        }
    }

    static let refusals: [(String, String?, String)] = [
        (#"{"model":"test-embed","input":[]}"#, "input", "empty array"),
        (#"{"model":"test-embed","input":""}"#, "input", "string is empty"),
        (#"{"model":"test-embed","input":["ok",""]}"#, "input[1]", "string is empty"),
        (#"{"model":"test-embed","input":[[]]}"#, "input[0]", "token array is empty"),
        (#"{"model":"test-embed","input":[1,100]}"#, "input[1]", "outside the vocabulary"),
        (#"{"model":"test-embed","input":[[1],[-1]]}"#, "input[1][0]", "outside the vocabulary"),
        (#"{"model":"test-embed","input":"a b c d e f g"}"#, "input", "9 tokens long"),
        (#"{"model":"test-embed","input":["a","a b c d e f g"]}"#, "input[1]", "at most 8 tokens"),
        (#"{"model":"test-embed","input":"x","dimensions":2}"#, "dimensions", "exactly 4 dimensions"),
        (#"{"model":"test-embed","input":"x","encoding_format":"int8"}"#, "encoding_format", "'float' or 'base64'"),
        (#"{"model":"test-embed","input":[1,"a"]}"#, "input", "array of strings"),
        (#"{"model":"test-embed","input":{"text":"a"}}"#, "input", "array of strings"),
        (#"{"input":"a"}"#, "model", "Missing required parameter"),
        (#"{"model":"test-model","input":"a"}"#, "model", "is a chat model"),
    ]

    @Test(arguments: refusals)
    func badRequestsGetA400NamingTheParameter(json: String, param: String?, message: String) async throws {
        let server = try await TestServer()
        try await Self.withServer(server) { client in
            let response = try await client.post("/v1/embeddings", json: json, headers: server.headers())
            #expect(response.status == .badRequest, "\(json)")
            let error = try response.openAIError()
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["param"] as? String == param, "\(json)")
            #expect((error["message"] as? String)?.contains(message) == true, "\(error["message"] ?? "")")
        }
    }

    @Test func tooManyInputsAreRefused() async throws {
        let server = try await TestServer(limits: LimitsConfiguration(maxBodyBytes: 1 << 20, queueLength: 8))
        let json = #"{"model":"test-embed","input":[\#(Array(repeating: "\"a\"", count: 2049).joined(separator: ","))]}"#
        try await Self.withServer(server) { client in
            let response = try await client.post("/v1/embeddings", json: json, headers: server.headers())
            #expect(response.status == .badRequest)
            #expect((try response.openAIError()["message"] as? String)?.contains("at most 2048") == true)
        }
    }

    @Test func unknownModelsAndChatWithTheEmbeddingModel() async throws {
        let server = try await TestServer()
        try await Self.withServer(server) { client in
            let unknown = try await client.post("/v1/embeddings", json: #"{"model":"nope","input":"a"}"#, headers: server.headers())
            #expect(unknown.status == .notFound)
            #expect(try unknown.openAIError()["code"] as? String == "model_not_found")

            let chat = #"{"model":"test-embed","messages":[{"role":"user","content":"hi"}]}"#
            let refused = try await client.post("/v1/chat/completions", json: chat, headers: server.headers())
            #expect(refused.status == .badRequest)
            let error = try refused.openAIError()
            #expect(error["param"] as? String == "model")
            #expect((error["message"] as? String)?.contains("/v1/embeddings") == true)
            let completion = try await client.post("/v1/completions", json: #"{"model":"test-embed","prompt":"x"}"#, headers: server.headers())
            #expect(completion.status == .badRequest)
        }
        #expect(server.backend.counts.prepared == 0)
    }

    @Test func theEmbeddingModelIsListedAndNeedsAKey() async throws {
        let server = try await TestServer()
        try await Self.withServer(server) { client in
            let list = try await client.execute(uri: "/v1/models", method: .get, headers: server.headers()).json()
            let ids = try #require(list["data"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(ids == ["test-model", "test-embed"])
            let one = try await client.execute(uri: "/v1/models/test-embed", method: .get, headers: server.headers()).json()
            #expect(one["context_length"] as? Int == 8)
            let anonymous = try await client.post(
                "/v1/embeddings",
                json: #"{"model":"test-embed","input":"a"}"#,
                headers: [.contentType: "application/json"]
            )
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func aKeyLimitedToOtherModelsDoesNotSeeIt() async throws {
        let server = try await TestServer()
        let administration = IdentityAdministration(stores: server.stores)
        let user = try await administration.createUser(name: "bob", email: "bob@example.com")
        let narrow = try await administration.createKey(name: "narrow", userID: user.id, allowedModels: ["test-model"]).secret.value
        try await Self.withServer(server) { client in
            let refused = try await client.post("/v1/embeddings", json: #"{"model":"test-embed","input":"a"}"#, headers: server.headers(key: narrow))
            #expect(refused.status == .notFound)
            let list = try await client.execute(uri: "/v1/models", method: .get, headers: server.headers(key: narrow)).json()
            #expect(try #require(list["data"] as? [[String: Any]]).compactMap { $0["id"] as? String } == ["test-model"])
        }
    }

    @Test func usageIsChargedToTheLimitsAndCounted() async throws {
        let server = try await TestServer(limits: LimitsConfiguration(queueLength: 8, perKey: LimitPolicy(tokensPerMinute: 12)))
        let usage = InMemoryUsageStore()
        let clock = ManualWallClock()
        let gate = try await LimitGate(store: usage, clock: clock)
        try await Self.withServer(server, limitGate: gate) { client in
            let first = try await client.post("/v1/embeddings", json: #"{"model":"test-embed","input":["a b c","d"]}"#, headers: server.headers())
            #expect(first.status == .ok)
            #expect(first.headers[.init("x-ratelimit-remaining-tokens")!] != nil)
            // 8 of 12 tokens used: 5 more are refused.
            let second = try await client.post("/v1/embeddings", json: #"{"model":"test-embed","input":"a b c"}"#, headers: server.headers())
            #expect(second.status == .tooManyRequests)
        }
        let today = UsageDay(clock.now())
        let rows = await usage.usage(from: today.firstOfMonth, through: today, by: .model)
        #expect(rows.map(\.group) == ["test-embed"])
        #expect(rows.first?.totals.promptTokens == 8)
        #expect(rows.first?.totals.completionTokens == 0)
        #expect(sample(server.metricsText, "enclave_prompt_tokens_total", [#"model="test-embed""#]) == 8)
        #expect(sample(server.metricsText, "enclave_embedding_inputs_total", [#"model="test-embed""#]) == 2)
        #expect(await gate.outstandingCount == 0)
    }
}
