// Enclave server tests: POST /v1/chat/completions.

import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ChatCompletionsTests {
    static let hello = #"{"model":"test-model","messages":[{"role":"user","content":"Say hello"}]}"#

    @Test func answersWithTheWholeCompletionAndUsage() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: Self.hello, headers: server.headers())
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let body = try response.json()
            let requestID = try #require(response.headers[RequestIdentifier.header])
            #expect(body["id"] as? String == "chatcmpl-\(requestID)")
            #expect(body["object"] as? String == "chat.completion")
            #expect(body["model"] as? String == "test-model")
            let choice = try #require((body["choices"] as? [[String: Any]])?.first)
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            #expect(message["content"] as? String == "Hello, how can I help?")
            #expect(choice["finish_reason"] as? String == "stop")
            #expect(choice.keys.contains("logprobs"))
            let usage = try #require(body["usage"] as? [String: Int])
            // "user: Say hello\nassistant:" is 4 words for the fake tokeniser.
            #expect(usage == ["prompt_tokens": 4, "completion_tokens": 7, "total_tokens": 11])
        }
    }

    /// Disconnects are noticed through the connection's close, not by reading its inbound side, so
    /// generation responses keep the connection alive (issue 17 item 3).
    @Test func generationResponsesKeepTheConnectionAlive() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let chat = try await client.post("/v1/chat/completions", json: Self.hello, headers: server.headers())
            #expect(chat.status == .ok)
            #expect(chat.headers[.connection] == nil)
            let stream = #"{"model":"test-model","messages":[{"role":"user","content":"Say hello"}],"stream":true}"#
            let streamed = try await client.post("/v1/chat/completions", json: stream, headers: server.headers())
            #expect(streamed.headers[.connection] == nil)
            let completion = try await client.post(
                "/v1/completions",
                json: #"{"model":"test-model","prompt":"Say hello"}"#,
                headers: server.headers()
            )
            #expect(completion.headers[.connection] == nil)
        }
    }

    @Test func passesValidatedParametersToTheBackend() async throws {
        let server = try await TestServer()
        let json = """
            {"model":"test-model","messages":[{"role":"developer","content":"Be brief"},
             {"role":"user","content":[{"type":"text","text":"part one"},{"type":"text","text":"part two"}]},
             {"role":"assistant","content":null},{"role":"user","content":"go"}],
             "temperature":0.5,"top_p":0.9,"max_completion_tokens":20,"max_tokens":99,"stop":"END","seed":-1,
             "presence_penalty":0.25,"frequency_penalty":-0.5,"n":1,"logprobs":true,"top_logprobs":3,"user":"u1",
             "response_format":{"type":"text"},"some_future_field":{"x":1}}
            """
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: json, headers: server.headers())
            #expect(response.status == .ok)
        }
        let request = try #require(server.backend.preparedRequests.first)
        #expect(
            request.prompt
                == .chat([
                    ChatTurn(role: "system", content: "Be brief"), ChatTurn(role: "user", content: "part one\npart two"),
                    ChatTurn(role: "assistant", content: ""), ChatTurn(role: "user", content: "go"),
                ])
        )
        let parameters = request.parameters
        #expect(parameters.temperature == 0.5)
        #expect(parameters.topP == 0.9)
        #expect(parameters.maxTokens == 20)
        #expect(parameters.stop == ["END"])
        #expect(parameters.seed == UInt64.max)
        #expect(parameters.presencePenalty == 0.25)
        #expect(parameters.frequencyPenalty == -0.5)
        #expect(parameters.logprobs && parameters.topLogprobs == 3)
        #expect(request.principal == User.builtInAdminID)
    }

    @Test func maxTokensEndsWithLength() async throws {
        let server = try await TestServer()
        let json = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":3}"#
        try await server.test { client in
            let body = try await client.post("/v1/chat/completions", json: json, headers: server.headers()).json()
            let choice = try #require((body["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "length")
            #expect((choice["message"] as? [String: Any])?["content"] as? String == "Hello, how")
            #expect((body["usage"] as? [String: Int])?["completion_tokens"] == 3)
        }
    }

    @Test func stopStringsCutTheText() async throws {
        let server = try await TestServer()
        let json = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stop":["can"]}"#
        try await server.test { client in
            let body = try await client.post("/v1/chat/completions", json: json, headers: server.headers()).json()
            let choice = try #require((body["choices"] as? [[String: Any]])?.first)
            #expect((choice["message"] as? [String: Any])?["content"] as? String == "Hello, how ")
            #expect(choice["finish_reason"] as? String == "stop")
        }
    }

    @Test func serverTokenLimitCapsRequests() async throws {
        let server = try await TestServer(limits: .init(maxTokens: 5, queueLength: 4))
        try await server.test { client in
            let uncapped = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}]}"#
            #expect(try await client.post("/v1/chat/completions", json: uncapped, headers: server.headers()).status == .ok)
            #expect(server.backend.preparedRequests.last?.parameters.maxTokens == 5)
            let tooMany = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":6}"#
            let response = try await client.post("/v1/chat/completions", json: tooMany, headers: server.headers())
            #expect(response.status == .badRequest)
            #expect(try response.openAIError()["param"] as? String == "max_tokens")
        }
    }

    @Test func logprobsHaveOpenAIsShape() async throws {
        let server = try await TestServer()
        let json = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":2}"#
        try await server.test { client in
            let body = try await client.post("/v1/chat/completions", json: json, headers: server.headers()).json()
            let choice = try #require((body["choices"] as? [[String: Any]])?.first)
            let content = try #require((choice["logprobs"] as? [String: Any])?["content"] as? [[String: Any]])
            #expect(content.count == 7)
            #expect(content[0]["token"] as? String == "Hello")
            #expect(content[0]["logprob"] as? Double == -0.25)
            #expect(content[0]["bytes"] as? [Int] == Array("Hello".utf8).map(Int.init))
            let top = try #require(content[0]["top_logprobs"] as? [[String: Any]])
            #expect(top.count == 2)
            #expect(top[1]["token"] as? String == "alt1")
        }
    }

    @Test func streamsServerSentEvents() async throws {
        let server = try await TestServer()
        let json = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true}"#
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: json, headers: server.headers())
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(response.text.hasSuffix("data: [DONE]\n\n"))
            let events = response.events()
            #expect(events.last == "[DONE]")
            let chunks = try events.dropLast().map(parseEvent)
            #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            #expect(chunks.allSatisfy { !$0.keys.contains("usage") })
            let ids = Set(chunks.compactMap { $0["id"] as? String })
            #expect(ids.count == 1)
            let choices = try chunks.map { try #require(($0["choices"] as? [[String: Any]])?.first) }
            let deltas = choices.compactMap { $0["delta"] as? [String: Any] }
            #expect(deltas.first?["role"] as? String == "assistant")
            #expect(deltas.compactMap { $0["content"] as? String }.joined() == "Hello, how can I help?")
            #expect(choices.last?["finish_reason"] as? String == "stop")
            #expect(choices.dropLast().allSatisfy { $0["finish_reason"] is NSNull })
        }
    }

    @Test func streamOptionsIncludeUsageAddsAFinalUsageChunk() async throws {
        let server = try await TestServer()
        let json = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}"#
        try await server.test { client in
            let events = try await client.post("/v1/chat/completions", json: json, headers: server.headers()).events()
            #expect(events.last == "[DONE]")
            let chunks = try events.dropLast().map(parseEvent)
            let last = try #require(chunks.last)
            #expect((last["choices"] as? [Any])?.isEmpty == true)
            #expect(last["usage"] as? [String: Int] == ["prompt_tokens": 3, "completion_tokens": 7, "total_tokens": 10])
            #expect(chunks.dropLast().allSatisfy { $0["usage"] is NSNull })
        }
    }

    @Test func streamedLogprobsTravelWithTheirText() async throws {
        let server = try await TestServer()
        let json = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true,"logprobs":true}"#
        try await server.test { client in
            let chunks = try await client.post("/v1/chat/completions", json: json, headers: server.headers()).events().dropLast().map(parseEvent)
            let contentChunks = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first }.filter {
                (($0["delta"] as? [String: Any])?["content"] as? String)?.isEmpty == false
            }
            #expect(contentChunks.count == 7)
            for chunk in contentChunks {
                let text = (chunk["delta"] as? [String: Any])?["content"] as? String
                let tokens = (chunk["logprobs"] as? [String: Any])?["content"] as? [[String: Any]]
                #expect(tokens?.map { $0["token"] as? String } == [text])
            }
        }
    }

    @Test func anErrorAfterTheStreamStartedIsAFinalEvent() async throws {
        let backend = ScriptedBackend(script: .init(pieces: ["a", "b", "c", "d"], failure: (2, .internal("The engine ran out of memory."))))
        let server = try await TestServer(backend: backend)
        let json = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true}"#
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: json, headers: server.headers())
            #expect(response.status == .ok)
            let events = response.events()
            #expect(!events.contains("[DONE]"))
            let last = try parseEvent(try #require(events.last))
            let error = try #require(last["error"] as? [String: Any])
            #expect(error["message"] as? String == "The engine ran out of memory.")
            #expect(error["type"] as? String == "server_error")
            let text = try events.dropLast().map(parseEvent).compactMap {
                (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
            }.joined()
            #expect(text == "ab")
        }
    }

    @Test func anErrorBeforeAnyOutputOfANonStreamedRequestIsA500() async throws {
        let backend = ScriptedBackend(script: .init(pieces: ["a"], failure: (0, .internal("The engine failed."))))
        let server = try await TestServer(backend: backend)
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: Self.hello, headers: server.headers())
            #expect(response.status == .internalServerError)
            #expect(try response.openAIError()["message"] as? String == "The engine failed.")
        }
    }
}
