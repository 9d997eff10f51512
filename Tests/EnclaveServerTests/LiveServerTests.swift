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
            // The slot is free again: a new request runs to the end. It goes on a new connection: the
            // test client's own connection, opened before the stream and idle since, may have met the
            // server's head timeout on a loaded machine.
            backend.setScript(.greeting)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(server.adminKey)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: ChatCompletionsTests.hello))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(response.status == .ok)
        }
        let metrics = server.metricsText
        #expect(sample(metrics, "enclave_generations_total", [#"outcome="cancelled""#]) == 1)
        #expect(sample(metrics, "enclave_active_sequences") == 0)
    }

    #if os(Linux)
    /// A raw chat request on a kept-alive connection.
    func chatRequest(server: TestServer, stream: Bool = false, extraHeaders: String = "") -> String {
        let body = stream ? #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true}"# : ChatCompletionsTests.hello
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer \(server.adminKey)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\(extraHeaders)\r\n\(body)"
    }

    /// A client that resets its connection during a whole-JSON generation cancels it.
    @Test func aResetCancelsANonStreamingGeneration() async throws {
        let backend = ScriptedBackend(script: .init(pieces: ["a", "b", "c"], holdAfter: 1))
        let server = try await TestServer(backend: backend)
        try await server.test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.send(chatRequest(server: server))
            await backend.waitForGenerations(started: 1)
            connection.reset()
            await backend.waitForCancellations(1)
        }
        #expect(sample(server.metricsText, "enclave_generations_total", [#"outcome="cancelled""#]) == 1)
    }

    /// A half-close after a complete request is not a disconnect: the answer comes, then the close (it
    /// was cancelled with a 499 when the inbound side was watched).
    @Test func aHalfCloseAfterTheRequestStillGetsTheAnswer() async throws {
        let server = try await TestServer()
        try await server.test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.send(chatRequest(server: server))
            connection.halfClose()
            let answer = await connection.read()
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(answer.contains("Hello"))
        }
        #expect(sample(server.metricsText, "enclave_generations_total", [#"outcome="cancelled""#]) == nil)
    }

    /// A request that says `Connection: close` gets its whole answer, then the close (the read that
    /// carried the request's end once started discarding and swallowed it: no answer at all).
    @Test func connectionCloseIsAnsweredThenClosed() async throws {
        let server = try await TestServer()
        try await server.test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.send("GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            let answer = await connection.read()
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(answer.lowercased().contains("connection: close"))
            #expect(answer.hasSuffix("}"))
        }
    }

    /// Pipelined requests after a generation are answered, in order (the inbound watcher used to swallow
    /// the second request: chat, GET, GET, GET answered 1, 3 and 4).
    @Test func pipelinedRequestsAfterAGenerationAreAnsweredInOrder() async throws {
        let server = try await TestServer()
        try await server.test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            let get = { (id: String) in
                "GET /v1/models HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer \(server.adminKey)\r\nX-Request-Id: \(id)\r\n\r\n"
            }
            connection.send(chatRequest(server: server, extraHeaders: "X-Request-Id: r1\r\n") + get("r2") + get("r3") + get("r4"))
            let text = await connection.read { $0.components(separatedBy: "HTTP/1.1 200").count == 5 && $0.hasSuffix("}") }
            let ids = text.components(separatedBy: "\r\n").filter { $0.lowercased().hasPrefix("x-request-id:") }
            #expect(ids.map { $0.split(separator: " ").last.map(String.init) } == ["r1", "r2", "r3", "r4"])
            #expect(!text.lowercased().contains("connection: close"))
        }
    }

    /// A stream cancelled by its client's reset leaves another client's kept-alive connection working.
    @Test func keepAliveSurvivesAnotherClientsDisconnect() async throws {
        let backend = ScriptedBackend(script: .init(pieces: ["a", "b", "c"], holdAfter: 2))
        let server = try await TestServer(backend: backend)
        try await server.test(.live) { client in
            let port = try #require(client.port)
            let quitter = try RawConnection(port: port)
            quitter.send(chatRequest(server: server, stream: true))
            _ = await quitter.read { $0.contains("\"b\"") }
            quitter.reset()
            await backend.waitForCancellations(1)
            backend.setScript(.greeting)
            let keeper = try RawConnection(port: port)
            for round in 0..<3 {
                keeper.send(chatRequest(server: server, stream: round % 2 == 1))
                let answer = await keeper.read { $0.hasSuffix("}") || $0.hasSuffix("[DONE]\n\n") || $0.hasSuffix("\r\n0\r\n\r\n") }
                #expect(answer.hasPrefix("HTTP/1.1 200"), "round \(round): \(answer.prefix(80))")
            }
        }
        #expect(sample(server.metricsText, "enclave_generations_total", [#"outcome="cancelled""#]) == 1)
    }
    #endif
}
