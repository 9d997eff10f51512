// Enclave server tests: metrics and the per-request log line.

import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import Testing

@Suite struct ObservabilityTests {
    @Test func metricsCoverRequestsTokensLatencyQueueAndModels() async throws {
        let server = try await TestServer()
        try await server.test { client in
            _ = try await client.post("/v1/chat/completions", json: ChatCompletionsTests.hello, headers: server.headers())
            _ = try await client.post(
                "/v1/chat/completions",
                json: #"{"model":"nope","messages":[{"role":"user","content":"hi"}]}"#,
                headers: server.headers()
            )
            let response = try await client.execute(uri: "/metrics", method: .get, headers: server.headers())
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = response.text
            #expect(sample(text, "enclave_http_requests_total", [#"route="/v1/chat/completions""#, #"status="200""#]) == 1)
            #expect(sample(text, "enclave_http_requests_total", [#"route="/v1/chat/completions""#, #"status="404""#]) == 1)
            #expect(sample(text, "enclave_http_request_duration_seconds_count", [#"route="/v1/chat/completions""#]) == 2)
            #expect(sample(text, "enclave_prompt_tokens_total", [#"model="test-model""#]) == 4)
            #expect(sample(text, "enclave_completion_tokens_total", [#"model="test-model""#]) == 7)
            #expect(sample(text, "enclave_generations_total", [#"outcome="stop""#]) == 1)
            #expect(sample(text, "enclave_time_to_first_token_seconds_count", [#"model="test-model""#]) == 1)
            #expect(sample(text, "enclave_inter_token_latency_seconds_count", [#"model="test-model""#]) == 1)
            #expect(sample(text, "enclave_queue_time_seconds_count") != nil)
            #expect(sample(text, "enclave_queue_depth") == 0)
            #expect(sample(text, "enclave_active_sequences") == 0)
            #expect(sample(text, "enclave_model_state", [#"model="test-model""#, #"state="ready""#]) == 1)
            #expect(sample(text, "enclave_model_state", [#"model="test-model""#, #"state="loading""#]) == 0)
            #expect(sample(text, "enclave_backend_capacity") == 4)
        }
    }

    @Test func inferenceMetricsAreLabelledByTeamAndServedModelOnly() async throws {
        let server = try await TestServer()
        let administration = IdentityAdministration(stores: server.stores)
        let research = try await administration.createTeam(name: "research", weight: 2)
        let alice = try await administration.createUser(name: "alice")
        _ = try await administration.addMember(user: alice.id, team: research.id)
        let aliceKey = try await administration.createKey(name: "laptop", userID: alice.id).secret.value
        try await server.test { client in
            _ = try await client.post("/v1/chat/completions", json: ChatCompletionsTests.hello, headers: server.headers(key: aliceKey))
            // A model nobody serves: counted under `unknown`, never under what the client typed.
            _ = try await client.post(
                "/v1/chat/completions",
                json: #"{"model":"typed-by-client","messages":[{"role":"user","content":"hi"}]}"#,
                headers: server.headers(key: aliceKey)
            )
            // The built-in admin is in no team.
            _ = try await client.post("/v1/chat/completions", json: ChatCompletionsTests.hello, headers: server.headers())
            _ = try await client.post("/v1/chat/completions", json: ChatCompletionsTests.hello, headers: [.authorization: "Bearer nope"])
            let text = try await client.execute(uri: "/metrics", method: .get, headers: server.headers()).text
            let research = #"team="research""#
            let none = #"team="none""#
            let model = #"model="test-model""#
            #expect(sample(text, "enclave_inference_requests_total", [research, model, #"status="200""#]) == 1)
            #expect(sample(text, "enclave_inference_requests_total", [research, #"model="unknown""#, #"status="404""#]) == 1)
            #expect(sample(text, "enclave_inference_refusals_total", [research, #"model="unknown""#, #"reason="model_not_found""#]) == 1)
            #expect(sample(text, "enclave_inference_requests_total", [none, model, #"status="200""#]) == 1)
            #expect(sample(text, "enclave_inference_refusals_total", [none, #"reason="invalid_api_key""#]) == 1)
            #expect(sample(text, "enclave_prompt_tokens_total", [research, model]) == 4)
            #expect(sample(text, "enclave_completion_tokens_total", [research, model]) == 7)
            #expect(sample(text, "enclave_time_to_first_token_seconds_count", [research, model]) == 1)
            #expect(sample(text, "enclave_generations_total", [none, model, #"outcome="stop""#]) == 1)
            #expect(!text.contains("typed-by-client"))
            #expect(!text.contains(alice.id))
        }
    }

    @Test func oneLogLinePerRequestWithoutAnyContent() async throws {
        let backend = ScriptedBackend(script: .init(pieces: ["SECRET", "-COMPLETION"]))
        let server = try await TestServer(backend: backend)
        let json = #"{"model":"test-model","messages":[{"role":"user","content":"SECRET-PROMPT"}]}"#
        let streamed = #"{"model":"test-model","messages":[{"role":"user","content":"SECRET-PROMPT"}],"stream":true}"#
        try await server.test { client in
            let plain = try await client.post("/v1/chat/completions", json: json, headers: server.headers())
            #expect(plain.text.contains("SECRET-COMPLETION"))
            _ = try await client.post("/v1/chat/completions", json: streamed, headers: server.headers())
            _ = try await client.execute(uri: "/v1/models", method: .get)
        }
        let entries = server.logs.entries
        for entry in entries {
            let rendered = "\(entry.message) \(entry.metadata)"
            #expect(!rendered.contains("SECRET"), "a log line holds content: \(rendered)")
        }
        let requests = entries.filter { $0.message.description == "request" }
        #expect(requests.count == 3)
        let chat = try #require(requests.first)
        #expect(chat.metadata["http.route"]?.description == "/v1/chat/completions")
        #expect(chat.metadata["http.status"]?.description == "200")
        #expect(chat.metadata["tokens.prompt"]?.description == "3")
        #expect(chat.metadata["tokens.completion"]?.description == "2")
        #expect(chat.metadata["model"]?.description == "test-model")
        #expect(chat.metadata["request.id"]?.description.count == 24)
        #expect(chat.metadata["duration_ms"] != nil)
        #expect(requests[1].metadata["stream"]?.description == "true")
        #expect(requests[1].metadata["outcome"]?.description == "stop")
        #expect(requests[2].metadata["http.status"]?.description == "401")
        #expect(requests[2].metadata["error.code"]?.description == "missing_api_key")
    }
}

extension ObservabilityTests {
    @Test func aRefusedRequestsLogLineNamesTheParameterAndA404sItsPath() async throws {
        let server = try await TestServer()
        let longPath = "/v1/" + String(repeating: "a", count: 1000)
        try await server.test { client in
            let refused = try await client.post(
                "/v1/chat/completions",
                json: #"{"model":"test-model","messages":[{"role":"user","content":"SECRET"}],"seed":18446744073709551616}"#,
                headers: server.headers()
            )
            #expect(refused.status == .badRequest)
            #expect(try refused.openAIError()["param"] as? String == "seed")
            _ = try await client.execute(uri: "/v1/missing-route", method: .get, headers: server.headers())
            _ = try await client.execute(uri: longPath, method: .get, headers: server.headers())
            _ = try await client.execute(uri: "/v1/models/no-such-model", method: .get, headers: server.headers())
        }
        let requests = server.logs.entries.filter { $0.message.description == "request" }
        #expect(requests.count == 4)
        #expect(requests[0].metadata["error.param"]?.description == "seed")
        #expect(requests[0].metadata["error.code"]?.description == "invalid_value")
        #expect(requests[0].metadata["http.path"] == nil)
        #expect(requests[1].metadata["http.path"]?.description == "/v1/missing-route")
        let cut = try #require(requests[2].metadata["http.path"]?.description)
        #expect(cut.utf8.count < 300)
        #expect(cut.contains("cut"))
        #expect(requests[3].metadata["http.path"]?.description == "/v1/models/no-such-model")
        #expect(requests[3].metadata["error.param"]?.description == "model")
        for entry in server.logs.entries { #expect(!"\(entry.metadata)".contains("SECRET")) }
    }
}

@Suite struct JSONLogHandlerTests {
    @Test func rendersOneJSONObjectPerLine() throws {
        let line = JSONLogHandler.render(
            time: Date(timeIntervalSince1970: 0),
            level: .warning,
            label: "enclave",
            message: "quote \" and\nnewline",
            metadata: ["z": "last", "a": .dictionary(["k": .array(["v", .stringConvertible(42)])]), "ctrl": "\u{1}"],
            source: "test"
        )
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "quote \" and\nnewline")
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "enclave")
        #expect((object["time"] as? String)?.hasPrefix("1970-01-01T00:00:00") == true)
        #expect(object["z"] as? String == "last")
        #expect(object["ctrl"] as? String == "\u{1}")
        #expect((object["a"] as? [String: Any])?["k"] as? [String] == ["v", "42"])
        #expect(line.hasPrefix(#"{"time":"#))
        #expect(line.range(of: #""a":"#)!.lowerBound < line.range(of: #""z":"#)!.lowerBound)
    }
}
