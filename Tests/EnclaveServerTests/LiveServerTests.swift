// Enclave server tests: behaviour that needs a real socket (client disconnects).

import AsyncHTTPClient
import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

@Suite(.timeLimit(.minutes(1))) struct LiveServerTests {
    /// Opens a streaming chat request on the live server, reads until `chunks` body parts arrived, then
    /// drops the connection by cancelling the reading task.
    func streamAndDisconnect(server: TestServer, port: Int, json: String) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(server.adminKey)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let (received, receivedContinuation) = AsyncStream.makeStream(of: String.self)
        let reader = Task {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(response.status == .ok)
            for try await part in response.body {
                receivedContinuation.yield(String(buffer: part))
            }
        }
        var text = ""
        for await part in received {
            text += part
            if text.contains("\"b\"") { break }
        }
        reader.cancel()
        _ = await reader.result
    }

    @Test func aClientDisconnectCancelsItsStreamingGeneration() async throws {
        let backend = ScriptedBackend(script: .init(pieces: ["a", "b", "c"], holdAfter: 2))
        let server = try await TestServer(backend: backend)
        let json = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true}"#
        try await server.test(.live) { client in
            let port = try #require(client.port)
            try await streamAndDisconnect(server: server, port: port, json: json)
            await backend.waitForCancellations(1)
            #expect(backend.counts.running == 0)
            #expect(backend.counts.finished == 0)
            // The slot is free again: a new request runs to the end.
            backend.setScript(.greeting)
            let response = try await client.post("/v1/chat/completions", json: ChatCompletionsTests.hello, headers: server.headers())
            #expect(response.status == .ok)
        }
        let metrics = server.metricsText
        #expect(sample(metrics, "enclave_generations_total", [#"outcome="cancelled""#]) == 1)
        #expect(sample(metrics, "enclave_active_sequences") == 0)
    }

    @Test func aClientDisconnectCancelsANonStreamingGeneration() async throws {
        let backend = ScriptedBackend(script: .init(pieces: ["a", "b", "c"], holdAfter: 1))
        let server = try await TestServer(backend: backend)
        try await server.test(.live) { client in
            let port = try #require(client.port)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(server.adminKey)")
            request.body = .bytes(ByteBuffer(string: ChatCompletionsTests.hello))
            let caller = Task { _ = try await HTTPClient.shared.execute(request, timeout: .seconds(60)) }
            await backend.waitForGenerations(started: 1)
            caller.cancel()
            _ = await caller.result
            await backend.waitForCancellations(1)
        }
        #expect(sample(server.metricsText, "enclave_generations_total", [#"outcome="cancelled""#]) == 1)
    }
}
