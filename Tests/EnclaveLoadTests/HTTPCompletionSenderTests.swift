// Enclave load tests: the HTTP sender against the fake server: tokens, usage, timings and connection failures.

import AsyncHTTPClient
import EnclaveLoad
import Foundation
import Testing

@Suite struct HTTPCompletionSenderTests {
    func withServer(tokens: Int, _ body: (HTTPCompletionSender, HTTPClient, Int) async throws -> Void) async throws {
        let server = try await FakeCompletionServer.start(port: 0, tokens: tokens)
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPCompletionSender.configuration(connections: 4, connectTimeout: 2, stallTimeout: 5)
        )
        let sender = HTTPCompletionSender(client: client, baseURL: "http://127.0.0.1:\(server.port)/", timeout: 10)
        do {
            try await body(sender, client, server.port)
        } catch {
            try? await client.shutdown()
            await server.stop()
            throw error
        }
        try await client.shutdown()
        await server.stop()
    }

    @Test func aStreamIsTimedTokenByToken() async throws {
        try await withServer(tokens: 12) { sender, _, _ in
            var record = RequestRecord(group: "main", index: 0, start: 0, maxTokens: 12)
            var gaps: [Double] = []
            await sender.send(Data("{\"stream\":true}".utf8), path: "/v1/chat/completions", apiKey: "k", stream: true, into: &record, gaps: &gaps)
            #expect(record.failure == nil, "\(record.failureDetail ?? "")")
            #expect(record.status == 200)
            #expect(record.completionTokens == 12 && record.usageReported && record.promptTokens == 8)
            #expect(gaps.count == 11)
            let first = try #require(record.timeToFirstToken)
            #expect(first > 0 && first <= record.endToEnd)
        }
    }

    @Test func aWholeAnswerIsCounted() async throws {
        try await withServer(tokens: 5) { sender, _, _ in
            var record = RequestRecord(group: "main", index: 0, start: 0, maxTokens: 5)
            var gaps: [Double] = []
            await sender.send(Data("{\"stream\":false}".utf8), path: "/v1/completions", apiKey: nil, stream: false, into: &record, gaps: &gaps)
            #expect(record.failure == nil)
            #expect(record.completionTokens == 5 && record.usageReported)
            #expect(record.timeToFirstToken == record.endToEnd)
        }
    }

    @Test func theProbeListsModelsAndARefusedPortIsAConnectionFailure() async throws {
        try await withServer(tokens: 1) { sender, client, port in
            let answer = try await ServerProbe(client: client).probe(baseURL: "http://127.0.0.1:\(port)", apiKey: nil, timeout: 5)
            #expect(answer.status == 200 && answer.models == ["fake-model"])
            let closed = HTTPCompletionSender(client: client, baseURL: "http://127.0.0.1:1", timeout: 5)
            var record = RequestRecord(group: "main", index: 0, start: 0, maxTokens: 1)
            var gaps: [Double] = []
            await closed.send(Data("{}".utf8), path: "/v1/chat/completions", apiKey: nil, stream: true, into: &record, gaps: &gaps)
            #expect(record.failure == .connection)
            await #expect(throws: ServerProbe.Unreachable.self) {
                _ = try await ServerProbe(client: client).probe(baseURL: "http://127.0.0.1:1", apiKey: nil, timeout: 5)
            }
        }
    }
}
