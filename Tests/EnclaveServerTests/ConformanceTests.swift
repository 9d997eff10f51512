// Enclave server tests: OpenAI conformance and numbers at their extremes, through the whole router.

import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct ConformanceTests {
    @Test func chatMessagesHaveANullRefusal() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: ChatCompletionsTests.hello, headers: server.headers())
            let choice = try #require((try response.json()["choices"] as? [[String: Any]])?.first)
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message.keys.contains("refusal"))
            #expect(message["refusal"] is NSNull)
        }
    }

    @Test func aNullPromptIsAnEmptyPrompt() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.post(
                "/v1/completions",
                json: #"{"model":"test-model","prompt":null,"max_tokens":2}"#,
                headers: server.headers()
            )
            #expect(response.status == .ok)
            guard case .text(let text) = server.backend.preparedRequests.last?.prompt else {
                Issue.record("no text prompt reached the backend")
                return
            }
            #expect(text.isEmpty)
            let missing = try await client.post("/v1/completions", json: #"{"model":"test-model"}"#, headers: server.headers())
            #expect(missing.status == .badRequest)
            #expect(try missing.openAIError()["param"] as? String == "prompt")
        }
    }

    /// `Int.max` tokens reach no backend arithmetic: they are capped at the model's context first.
    @Test(arguments: [
        ("/v1/chat/completions", #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":9223372036854775807}"#),
        ("/v1/chat/completions", #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":9223372036854775807}"#),
        ("/v1/completions", #"{"model":"test-model","prompt":"hi","max_tokens":9223372036854775807}"#),
    ])
    func hugeMaxTokensAreACleanRefusal(uri: String, json: String) async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.post(uri, json: json, headers: server.headers())
            #expect(response.status == .badRequest)
            // The fake backend, like the real one, names max_tokens when the capped count does not fit either.
            #expect(try response.openAIError()["param"] as? String == "max_tokens")
        }
        #expect(server.backend.preparedRequests.allSatisfy { ($0.parameters.maxTokens ?? 0) <= 64 })
        #expect(server.backend.counts.started == 0)
    }

    @Test(arguments: [
        (#""seed":18446744073709551616"#, "seed"), (#""seed":9223372036854775808"#, "seed"), (#""max_tokens":2.5"#, "max_tokens"),
        (#""max_tokens":1e400"#, "max_tokens"), (#""temperature":1e400"#, "temperature"), (#""n":-1"#, "n"),
        (#""top_logprobs":1e400"#, "top_logprobs"), (#""presence_penalty":"x""#, "presence_penalty"),
    ])
    func numbersOutOfRangeNameTheirField(field: String, param: String) async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.post(
                "/v1/chat/completions",
                json: #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],\#(field)}"#,
                headers: server.headers()
            )
            #expect(response.status == .badRequest)
            let error = try response.openAIError()
            #expect(error["param"] as? String == param)
            #expect((error["message"] as? String)?.contains(param) == true)
            #expect(error["message"] as? String != "The request body is not valid JSON.")
        }
    }
}
