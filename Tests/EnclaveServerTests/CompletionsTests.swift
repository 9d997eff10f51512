// Enclave server tests: POST /v1/completions.

import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct CompletionsTests {
    @Test func completesTextWithOpenAIsDefaultLimit() async throws {
        let backend = ScriptedBackend(script: .init(pieces: (0..<40).map { " w\($0)" }))
        let server = try await TestServer(backend: backend)
        try await server.test { client in
            let response = try await client.post("/v1/completions", json: #"{"model":"test-model","prompt":"Once upon"}"#, headers: server.headers())
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["object"] as? String == "text_completion")
            #expect((body["id"] as? String)?.hasPrefix("cmpl-") == true)
            let choice = try #require((body["choices"] as? [[String: Any]])?.first)
            #expect(choice["index"] as? Int == 0)
            #expect(choice["finish_reason"] as? String == "length")
            #expect((choice["text"] as? String)?.hasPrefix(" w0 w1") == true)
            #expect(body["usage"] as? [String: Int] == ["prompt_tokens": 2, "completion_tokens": 16, "total_tokens": 18])
        }
        #expect(backend.preparedRequests.first?.prompt == .text("Once upon"))
        #expect(backend.preparedRequests.first?.parameters.maxTokens == 16)
    }

    @Test func aListOfPromptsGivesOneChoiceEach() async throws {
        let server = try await TestServer()
        let json = #"{"model":"test-model","prompt":["one","two words"],"max_tokens":2}"#
        try await server.test { client in
            let body = try await client.post("/v1/completions", json: json, headers: server.headers()).json()
            let choices = try #require(body["choices"] as? [[String: Any]])
            #expect(choices.map { $0["index"] as? Int } == [0, 1])
            #expect(choices.map { $0["text"] as? String } == ["Hello,", "Hello,"])
            #expect(body["usage"] as? [String: Int] == ["prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7])
        }
    }

    @Test func legacyLogprobs() async throws {
        let server = try await TestServer()
        let json = #"{"model":"test-model","prompt":"x","max_tokens":3,"logprobs":2}"#
        try await server.test { client in
            let body = try await client.post("/v1/completions", json: json, headers: server.headers()).json()
            let logprobs = try #require((body["choices"] as? [[String: Any]])?.first?["logprobs"] as? [String: Any])
            #expect(logprobs["tokens"] as? [String] == ["Hello", ",", " how"])
            #expect(logprobs["token_logprobs"] as? [Double] == [-0.25, -0.5, -0.75])
            #expect(logprobs["text_offset"] as? [Int] == [0, 5, 6])
            let top = try #require(logprobs["top_logprobs"] as? [[String: Double]])
            #expect(top[0] == ["Hello": -0.25, "alt1": -1.25])
        }
    }

    @Test func streamsTextChunksAndUsage() async throws {
        let server = try await TestServer()
        let json = #"{"model":"test-model","prompt":"x","stream":true,"stream_options":{"include_usage":true}}"#
        try await server.test { client in
            let response = try await client.post("/v1/completions", json: json, headers: server.headers())
            #expect(response.headers[.contentType] == "text/event-stream")
            let events = response.events()
            #expect(events.last == "[DONE]")
            let chunks = try events.dropLast().map(parseEvent)
            #expect(chunks.allSatisfy { $0["object"] as? String == "text_completion" })
            let choices = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first }
            #expect(choices.compactMap { $0["text"] as? String }.joined() == "Hello, how can I help?")
            #expect(choices.last?["finish_reason"] as? String == "stop")
            #expect(chunks.last?["usage"] as? [String: Int] == ["prompt_tokens": 1, "completion_tokens": 7, "total_tokens": 8])
        }
    }

    @Test(arguments: [
        (#"{"model":"test-model","prompt":[1,2,3]}"#, "prompt"),
        (#"{"model":"test-model","prompt":[]}"#, "prompt"),
        (#"{"model":"test-model","prompt":"x","echo":true}"#, "echo"),
        (#"{"model":"test-model","prompt":"x","best_of":3}"#, "best_of"),
        (#"{"model":"test-model","prompt":"x","logprobs":9}"#, "logprobs"),
        (#"{"model":"test-model","prompt":"x","suffix":"end"}"#, "suffix"),
        (#"{"model":"test-model","prompt":{"a":1}}"#, "prompt"),
    ])
    func invalidRequestsNameTheParameter(json: String, param: String) async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.post("/v1/completions", json: json, headers: server.headers())
            #expect(response.status == .badRequest)
            #expect(try response.openAIError()["param"] as? String == param)
        }
    }

    @Test func aPromptOverTheContextNamesPrompt() async throws {
        let server = try await TestServer()
        let prompt = Array(repeating: "word", count: 100).joined(separator: " ")
        try await server.test { client in
            let response = try await client.post("/v1/completions", json: #"{"model":"test-model","prompt":"\#(prompt)"}"#, headers: server.headers())
            #expect(response.status == .badRequest)
            let error = try response.openAIError()
            #expect(error["code"] as? String == "context_length_exceeded")
            #expect(error["param"] as? String == "prompt")
        }
    }
}
