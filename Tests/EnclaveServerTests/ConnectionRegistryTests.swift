// Enclave server tests: admission of connections against the caps.

import EnclaveServer
import Testing

@Suite struct ConnectionRegistryTests {
    func registry(total: Int, perClient: Int, answered: Int = 2) -> (ConnectionRegistry, ServerMetrics) {
        let metrics = ServerMetrics()
        let limits = ConnectionRegistry.Limits(total: total, perClient: perClient, refusalsAnswered: answered)
        return (ConnectionRegistry(limits: limits, metricsFactory: metrics.factory), metrics)
    }

    @Test func thePerClientCapRefusesOnlyThatClient() {
        let (registry, metrics) = registry(total: 10, perClient: 2)
        #expect(registry.admit(client: "10.0.0.1") == .accepted)
        #expect(registry.admit(client: "10.0.0.1") == .accepted)
        #expect(registry.admit(client: "10.0.0.1") == .refused(reason: "client_full", answer: true))
        #expect(registry.admit(client: "10.0.0.2") == .accepted)
        registry.release(client: "10.0.0.1")
        #expect(registry.admit(client: "10.0.0.1") == .accepted)
        let text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(sample(text, "enclave_http_connections_open") == 3)
        #expect(sample(text, "enclave_http_connections_accepted_total") == 4)
        #expect(sample(text, "enclave_http_connections_refused_total", [#"reason="client_full""#]) == 1)
    }

    @Test func theTotalCapRefusesEveryone() {
        let (registry, _) = registry(total: 2, perClient: 2)
        #expect(registry.admit(client: "a") == .accepted)
        #expect(registry.admit(client: "b") == .accepted)
        #expect(registry.admit(client: "c") == .refused(reason: "server_full", answer: true))
        registry.release(client: "a")
        #expect(registry.admit(client: "c") == .accepted)
        #expect(registry.openConnections == 2)
    }

    /// Answering a refusal holds a descriptor for a moment: beyond a few at once, refusals are closed unanswered.
    @Test func refusalsAreAnsweredOnlyWhileFewAreInFlight() {
        let (registry, _) = registry(total: 1, perClient: 1, answered: 2)
        #expect(registry.admit(client: "a") == .accepted)
        #expect(registry.admit(client: "b") == .refused(reason: "server_full", answer: true))
        #expect(registry.admit(client: "b") == .refused(reason: "server_full", answer: true))
        #expect(registry.admit(client: "b") == .refused(reason: "server_full", answer: false))
        registry.refusalAnswered()
        #expect(registry.admit(client: "b") == .refused(reason: "server_full", answer: true))
    }
}
