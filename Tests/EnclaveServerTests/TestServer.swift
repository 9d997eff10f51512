// Enclave server tests: an application over a scripted backend and an in-memory key store.

import EnclaveCore
import EnclaveGateway
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import NIOCore
import Testing

/// Everything a server test needs: the fake backend, the key store with an admin key, the metrics and
/// the captured logs.
struct TestServer {
    let backend: ScriptedBackend
    let stores: EnclaveStores
    var store: any KeyStore { stores.keys }
    let metrics: ServerMetrics
    let logs: InMemoryLogHandler
    let adminKey: String
    let configuration: EnclaveConfiguration
    /// The assistants, if the test uses them.
    let assistants: AssistantPipeline?
    /// The guardrails, if the test uses them.
    let guardrails: GuardrailService?

    init(
        backend: ScriptedBackend = ScriptedBackend(),
        limits: LimitsConfiguration = LimitsConfiguration(maxBodyBytes: 16 * 1024, queueLength: 8),
        models: [String] = ["test-model"],
        assistants: AssistantPipeline? = nil,
        guardrails: GuardrailService? = nil
    ) async throws {
        self.backend = backend
        self.assistants = assistants
        self.guardrails = guardrails
        self.stores = .inMemory()
        self.metrics = ServerMetrics()
        self.logs = InMemoryLogHandler()
        self.adminKey = try #require(try await AdminKeyBootstrap.ensureAdminKey(in: stores.keys, identities: stores.identities)).value
        self.configuration = EnclaveConfiguration(
            listen: .init(host: "127.0.0.1", port: 0),
            models: models.map { ModelConfiguration(id: $0, file: "\($0).gguf") },
            limits: limits
        )
    }

    /// Runs `body` against the application.
    func test<Value: Sendable>(
        _ setup: TestingSetup = .router,
        _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let handler = logs
        var logger = Logger(label: "enclave-test") { _ in handler }
        logger.logLevel = .debug
        let app = buildApplication(
            configuration: configuration,
            backend: backend,
            stores: stores,
            metrics: metrics,
            assistants: assistants,
            guardrails: guardrails,
            logger: logger
        )
        return try await app.test(setup, body)
    }

    /// Headers with the admin key (or `key`) and JSON content.
    func headers(key: String? = nil) -> HTTPFields {
        [.authorization: "Bearer \(key ?? adminKey)", .contentType: "application/json"]
    }

    /// The Prometheus text of the metrics.
    var metricsText: String { String(decoding: metrics.render(), as: UTF8.self) }
}

extension TestClientProtocol {
    /// POSTs a JSON body.
    func post(_ uri: String, json: String, headers: HTTPFields) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json))
    }
}

extension TestResponse {
    /// The body as a string.
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
    }

    /// The `error` object of an OpenAI error body.
    func openAIError() throws -> [String: Any] {
        let object = try json()
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["message"] is String)
        #expect(error["type"] is String)
        #expect(error.keys.contains("param"))
        #expect(error.keys.contains("code"))
        return error
    }

    /// The `data:` payloads of an SSE body, in order.
    func events() -> [String] {
        text.components(separatedBy: "\n\n").compactMap { frame in
            frame.hasPrefix("data: ") ? String(frame.dropFirst(6)) : nil
        }
    }
}

/// Parses an SSE payload as a JSON object.
func parseEvent(_ payload: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
}

/// The value of a Prometheus sample line `name{labels} value` whose name and labels contain all of `parts`.
func sample(_ text: String, _ name: String, _ labels: [String] = []) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
        guard labels.allSatisfy({ line.contains($0) }) else { continue }
        if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { return value }
    }
    return nil
}
