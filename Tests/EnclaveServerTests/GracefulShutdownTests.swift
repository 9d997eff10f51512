// Enclave server tests: graceful shutdown lets streams finish, within the grace period.

import AsyncHTTPClient
import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

@Suite(.timeLimit(.minutes(1))) struct GracefulShutdownTests {
    static let stream = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true}"#

    /// Runs the server as `enclave serve` does (without signal handlers), calls `body` with the group
    /// and the port, and waits for the group to finish.
    func withServer(
        _ server: TestServer,
        grace: Double,
        _ body: @Sendable (ServiceGroupHandle, Int) async throws -> Void
    ) async throws {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(
            configuration: server.configuration,
            backend: server.backend,
            stores: server.stores,
            metrics: server.metrics,
            logger: Logger(label: "shutdown-test"),
            onServerRunning: { port in portContinuation.yield(port ?? 0) }
        )
        let group = ServerLifecycle.serviceGroup(
            running: app,
            settings: ServerSettings(shutdownGraceSeconds: grace),
            logger: Logger(label: "shutdown-test"),
            signals: []
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await ServerLifecycle.run(group) }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body(ServiceGroupHandle(trigger: { await group.triggerGracefulShutdown() }), port)
            try await tasks.waitForAll()
        }
    }

    struct ServiceGroupHandle: Sendable {
        let trigger: @Sendable () async -> Void
    }

    func streamRequest(_ server: TestServer, port: Int) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(server.adminKey)")
        request.body = .bytes(ByteBuffer(string: Self.stream))
        return request
    }

    @Test func aStreamInFlightFinishesAfterShutdownStarts() async throws {
        let backend = ScriptedBackend(script: .init(pieces: ["a", "b", "c"], holdAfter: 1, releasable: true))
        let server = try await TestServer(backend: backend)
        try await withServer(server, grace: 60) { group, port in
            let request = streamRequest(server, port: port)
            let reader = Task {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                var text = ""
                for try await part in response.body { text += String(buffer: part) }
                return text
            }
            await backend.waitForGenerations(started: 1)
            await group.trigger()
            backend.release()
            let text = try await reader.value
            #expect(text.hasSuffix("data: [DONE]\n\n"))
        }
        #expect(backend.counts.finished == 1)
        #expect(backend.counts.cancelled == 0)
    }

    @Test func streamsStillRunningAfterTheGracePeriodAreCancelled() async throws {
        let backend = ScriptedBackend(script: .init(pieces: ["a", "b", "c"], holdAfter: 1))
        let server = try await TestServer(backend: backend)
        try await withServer(server, grace: 0.2) { group, port in
            let request = streamRequest(server, port: port)
            let reader = Task {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                for try await _ in response.body {}
            }
            await backend.waitForGenerations(started: 1)
            await group.trigger()
            await backend.waitForCancellations(1)
            _ = await reader.result
        }
        #expect(backend.counts.cancelled == 1)
        #expect(backend.counts.running == 0)
    }
}
