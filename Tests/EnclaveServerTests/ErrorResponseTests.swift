// Enclave server tests: every error status, in OpenAI's shape.

import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct ErrorResponseTests {
    @Test(
        arguments: [
            ("{not json", nil),
            ("", nil),
            ("[1, 2]", nil),
            (#"{"messages":[{"role":"user","content":"hi"}]}"#, "model"),
            (#"{"model":"test-model"}"#, "messages"),
            (#"{"model":"test-model","messages":[]}"#, "messages"),
            (#"{"model":"test-model","messages":[{"content":"hi"}]}"#, "messages[0].role"),
            (#"{"model":"test-model","messages":[{"role":"tool","content":"hi"}]}"#, "messages[0].role"),
            (#"{"model":"test-model","messages":[{"role":"user"}]}"#, "messages[0].content"),
            (#"{"model":"test-model","messages":[{"role":"user","content":42}]}"#, "messages[0].content"),
            (#"{"model":"test-model","messages":[{"role":"user","content":[{"type":"image_url"}]}]}"#, "messages[0].content[0].type"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}"#, "temperature"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"temperature":2.5}"#, "temperature"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"top_p":0}"#, "top_p"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"n":2}"#, "n"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":0}"#, "max_tokens"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1000}"#, "max_tokens"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"presence_penalty":3}"#, "presence_penalty"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"frequency_penalty":-3}"#, "frequency_penalty"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]}"#, "stop"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stop":[""]}"#, "stop"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stop":7}"#, "stop"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"top_logprobs":2}"#, "top_logprobs"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":21}"#, "top_logprobs"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}"#, "stream_options"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function"}]}"#, "tools"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}"#, "response_format"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"logit_bias":{"42":5}}"#, "logit_bias"),
            (#"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"seed":"x"}"#, "seed"),
        ] as [(String, String?)]
    )
    func badRequestsAre400sNamingTheParameter(json: String, param: String?) async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: json, headers: server.headers())
            #expect(response.status == .badRequest, "\(json)")
            let error = try response.openAIError()
            #expect(error["type"] as? String == "invalid_request_error")
            if let param {
                #expect(error["param"] as? String == param, "\(json): \(error)")
            } else {
                #expect(error["param"] is NSNull, "\(json): \(error)")
            }
        }
        #expect(server.backend.counts.started == 0)
    }

    @Test func invalidUTF8Is400SayingSo() async throws {
        let server = try await TestServer()
        let body = ByteBuffer(
            bytes: Array(#"{"model":"test-model","messages":[{"role":"user","content":""#.utf8) + [0xFF, 0xFE, 0x41] + Array(#""}]}"#.utf8)
        )
        try await server.test { client in
            let response = try await client.execute(uri: "/v1/chat/completions", method: .post, headers: server.headers(), body: body)
            #expect(response.status == .badRequest)
            let error = try response.openAIError()
            #expect(error["message"] as? String == "The request body is not valid UTF-8.")
            #expect(error["param"] is NSNull)
        }
        #expect(server.backend.counts.started == 0)
    }

    @Test func unknownModelIs404() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.post(
                "/v1/chat/completions",
                json: #"{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}"#,
                headers: server.headers()
            )
            #expect(response.status == .notFound)
            let error = try response.openAIError()
            #expect(error["code"] as? String == "model_not_found")
            #expect(error["param"] as? String == "model")
            #expect((error["message"] as? String)?.contains("gpt-9") == true)
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        let server = try await TestServer(limits: .init(maxBodyBytes: 2048, queueLength: 4))
        let big = String(repeating: "x", count: 4096)
        try await server.test { client in
            let response = try await client.post(
                "/v1/chat/completions",
                json: #"{"model":"test-model","messages":[{"role":"user","content":"\#(big)"}]}"#,
                headers: server.headers()
            )
            #expect(response.status == .contentTooLarge)
            let error = try response.openAIError()
            #expect(error["code"] as? String == "request_too_large")
            #expect((error["message"] as? String)?.contains("2048") == true)
        }
    }

    @Test func aPromptOverTheContextIs400WithTokensAndLimit() async throws {
        let server = try await TestServer()
        let prompt = Array(repeating: "word", count: 80).joined(separator: " ")
        try await server.test { client in
            let response = try await client.post(
                "/v1/chat/completions",
                json: #"{"model":"test-model","messages":[{"role":"user","content":"\#(prompt)"}]}"#,
                headers: server.headers()
            )
            #expect(response.status == .badRequest)
            let error = try response.openAIError()
            #expect(error["code"] as? String == "context_length_exceeded")
            let message = try #require(error["message"] as? String)
            #expect(message.contains("82 tokens"))
            #expect(message.contains("64 tokens"))
        }
        #expect(server.backend.counts.started == 0)
    }

    @Test func aLoadingModelIs503() async throws {
        let backend = ScriptedBackend(models: [.init(id: "test-model", state: .loading)])
        let server = try await TestServer(backend: backend)
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: ChatCompletionsTests.hello, headers: server.headers())
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] != nil)
            #expect(try response.openAIError()["code"] as? String == "model_not_ready")

            backend.setState(.failed("the file is corrupt"), of: "test-model")
            let failed = try await client.post("/v1/chat/completions", json: ChatCompletionsTests.hello, headers: server.headers())
            #expect(failed.status == .serviceUnavailable)
            #expect((try failed.openAIError()["message"] as? String)?.contains("the file is corrupt") == true)
        }
    }

    @Test func aFullQueueIs429WithRetryAfter() async throws {
        let backend = ScriptedBackend(capacity: 1, script: .init(pieces: ["a", "b"], holdAfter: 1, releasable: true))
        let server = try await TestServer(backend: backend, limits: .init(maxBodyBytes: 4096, queueLength: 1))
        let stream = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true}"#
        try await server.test { client in
            try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask { try await client.post("/v1/chat/completions", json: stream, headers: server.headers()).text }
                await backend.waitForGenerations(started: 1)
                group.addTask { try await client.post("/v1/chat/completions", json: stream, headers: server.headers()).text }
                // Wait until the second request holds the only place in the queue.
                while sample(server.metricsText, "enclave_queue_depth") != 1 { await Task.yield() }

                let rejected = try await client.post("/v1/chat/completions", json: ChatCompletionsTests.hello, headers: server.headers())
                #expect(rejected.status == .tooManyRequests)
                let retryAfter = try #require(rejected.headers[.retryAfter].flatMap(Int.init))
                #expect(retryAfter >= 1)
                #expect(try rejected.openAIError()["type"] as? String == "rate_limit_error")

                backend.release()
                backend.release()
                for try await text in group {
                    #expect(text.hasSuffix("data: [DONE]\n\n"))
                }
            }
            #expect(sample(server.metricsText, "enclave_requests_rejected_total") == 1)
        }
    }
}
