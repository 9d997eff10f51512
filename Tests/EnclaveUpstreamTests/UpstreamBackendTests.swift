// Enclave upstream: the backend against a fault-injecting fake upstream on loopback.

import AsyncHTTPClient
import EnclaveCore
import EnclaveOpenAI
import EnclaveUpstream
import Foundation
import HummingbirdTesting
import Logging
import Testing

@Suite(.timeLimit(.minutes(2))) struct UpstreamBackendTests {
    let fake = FakeUpstream()

    /// Runs `body` with the fake listening and a client for the backends; shuts the client down after.
    func withFake(_ body: @Sendable @escaping (_ base: String, _ client: HTTPClient) async throws -> Void) async throws {
        try await fake.application().test(.live) { testClient in
            let base = "http://127.0.0.1:\(testClient.port ?? 0)"
            let client = UpstreamHTTPClient.make(for: [])
            do {
                try await body(base, client)
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    /// A backend over `replicas`. The first-byte timeout is generous unless a test is about it: the whole
    /// test run shares two cores, and a suite can wait tens of seconds for a thread.
    static func configuration(
        _ name: String,
        replicas: [String],
        models: [String] = ["fake-model"],
        firstByte: Double = 60
    ) -> UpstreamConfiguration {
        var configuration = UpstreamConfiguration(name: name, replicas: replicas, models: models)
        configuration.timeouts.firstByte = firstByte
        configuration.health = .init(intervalSeconds: 0, failureThreshold: 1, cooldownSeconds: 60)
        return configuration
    }

    static func request(_ model: String = "fake-model", passThrough: String? = nil) -> InferenceRequest {
        var request = InferenceRequest(
            id: "r1",
            model: model,
            prompt: .chat([ChatTurn(role: "user", content: "Hi")]),
            parameters: InferenceParameters(maxTokens: 5),
            principal: "p"
        )
        request.passThrough = passThrough
        return request
    }

    /// The text and the finish of a generation.
    static func collect(_ backend: UpstreamBackend, _ request: InferenceRequest) async throws -> (String, FinishReason?, InferenceUsage?) {
        let prepared = try await backend.prepare(request)
        var text = ""
        for try await event in backend.generate(prepared) {
            switch event {
            case .delta(let delta, _): text += delta
            case .finished(let reason, let usage): return (text, reason, usage)
            }
        }
        return (text, nil, nil)
    }

    static let logger = Logger(label: "test")

    @Test func streamsDeltasAndTheUpstreamsUsageAndPassesUnknownFieldsThrough() async throws {
        let log = fake.log
        try await withFake { base, client in
            var configuration = Self.configuration("one", replicas: ["\(base)/ok/v1"])
            configuration.aliases = ["gpt-4o-mini": "fake-model"]
            let backend = try UpstreamBackend(configuration: configuration, client: client, directory: UpstreamDirectory(), logger: Self.logger)
            let (text, reason, usage) = try await Self.collect(backend, Self.request("gpt-4o-mini", passThrough: #"{"top_k":40}"#))
            #expect(text == "Hello world")
            #expect(reason == .stop)
            #expect(usage == InferenceUsage(promptTokens: 7, completionTokens: 2))
            let sent = try #require(log.bodies.last.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
            #expect(sent["model"] as? String == "fake-model")
            #expect(sent["top_k"] as? Int == 40)
            #expect(sent["stream"] as? Bool == true)
            #expect((sent["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
            #expect(sent["max_tokens"] as? Int == 5)
            #expect(await backend.models().map(\.id) == ["fake-model", "gpt-4o-mini"])
        }
    }

    @Test(arguments: ["fail500", "stall", "refused"])
    func aFailureBeforeTheFirstByteIsRetriedOnAnotherReplica(mode: String) async throws {
        let log = fake.log
        try await withFake { base, client in
            let broken = mode == "refused" ? "http://127.0.0.1:1/v1" : "\(base)/\(mode)/v1"
            // Only the stalled replica's case needs a short first-byte timeout; the fake stalls for 20 s.
            let configuration = Self.configuration("two", replicas: [broken, "\(base)/ok/v1"], firstByte: mode == "stall" ? 5 : 60)
            let backend = try UpstreamBackend(configuration: configuration, client: client, directory: UpstreamDirectory(), logger: Self.logger)
            // Twice: whichever replica the first pick takes, the broken one is tried once and then ejected.
            for _ in 0..<2 {
                let (text, _, _) = try await Self.collect(backend, Self.request())
                #expect(text == "Hello world")
            }
            #expect(backend.replicaStatuses().map(\.state) == ["open", "closed"])
            if mode != "refused" { #expect(log.count(mode) == 1) }
        }
    }

    @Test func aStreamThatBreaksAfterItStartedIsNotRetried() async throws {
        let log = fake.log
        try await withFake { base, client in
            let configuration = Self.configuration("drop", replicas: ["\(base)/drop/v1", "\(base)/ok/v1"])
            let backend = try UpstreamBackend(configuration: configuration, client: client, directory: UpstreamDirectory(), logger: Self.logger)
            // The first pick is the first replica (no request is outstanding anywhere).
            var text = ""
            var failure: OpenAIError?
            do {
                for try await event in backend.generate(try await backend.prepare(Self.request())) {
                    if case .delta(let delta, _) = event { text += delta }
                }
            } catch let error as OpenAIError {
                failure = error
            }
            #expect(text == "Hello")
            #expect(failure?.code == "upstream_stream_broken")
            #expect(failure?.message.contains("127.0.0.1") == false)
            #expect(log.count("drop") == 1)
            #expect(log.count("ok") == 0)
        }
    }

    @Test func everyReplicaAt429FallsBackToTheNextModel() async throws {
        let log = fake.log
        try await withFake { base, client in
            let directory = UpstreamDirectory()
            var busy = Self.configuration("busy", replicas: ["\(base)/limit429/v1"], models: ["big"])
            busy.fallbacks = ["big": ["small"]]
            let backend = try UpstreamBackend(configuration: busy, client: client, directory: directory, logger: Self.logger)
            _ = try UpstreamBackend(
                configuration: Self.configuration("spare", replicas: ["\(base)/ok/v1"], models: ["small"]),
                client: client,
                directory: directory,
                logger: Self.logger
            )
            let (text, _, _) = try await Self.collect(backend, Self.request("big"))
            #expect(text == "Hello world")
            #expect(log.count("limit429") == 1)
            // The fallback is asked under its own name.
            #expect(log.bodies.last?.contains(#""model":"small""#) == true)
            // 429 says nothing about the replica's health.
            #expect(backend.replicaStatuses().map(\.state) == ["closed"])
        }
    }

    @Test func withoutAFallbackTheClientGets429OrUnavailable() async throws {
        try await withFake { base, client in
            let limited = try UpstreamBackend(
                configuration: Self.configuration("limited", replicas: ["\(base)/limit429/v1"]),
                client: client,
                directory: UpstreamDirectory(),
                logger: Self.logger
            )
            await #expect(throws: OpenAIError.self) { _ = try await Self.collect(limited, Self.request()) }
            do {
                _ = try await Self.collect(limited, Self.request())
            } catch let error as OpenAIError {
                #expect(error.status == 429)
                #expect(error.headers["Retry-After"] == "7")
            }
            let down = try UpstreamBackend(
                configuration: Self.configuration("down", replicas: ["\(base)/fail500/v1"]),
                client: client,
                directory: UpstreamDirectory(),
                logger: Self.logger
            )
            do {
                _ = try await Self.collect(down, Self.request())
                Issue.record("a failing upstream answered")
            } catch let error as OpenAIError {
                #expect(error.status == 503)
                #expect(error.code == "upstream_unavailable")
            }
            // The breaker opened: the model reports failed and new requests fail fast.
            #expect(await down.state(of: "fake-model") == .failed("every replica of the upstream 'down' is out of rotation"))
        }
    }

    @Test func anUpstreamRefusalKeepsItsMessageButNotItsAddress() async throws {
        try await withFake { base, client in
            let backend = try UpstreamBackend(
                configuration: Self.configuration("strict", replicas: ["\(base)/bad400/v1"]),
                client: client,
                directory: UpstreamDirectory(),
                logger: Self.logger
            )
            do {
                _ = try await Self.collect(backend, Self.request())
                Issue.record("a refusing upstream answered")
            } catch let error as OpenAIError {
                #expect(error.status == 400)
                #expect(error.param == "top_k")
                #expect(error.message.contains("top_k too big"))
                #expect(!error.message.contains("127.0.0.1"))
            }
            // A refusal is about the request, not the replica.
            #expect(backend.replicaStatuses().map(\.state) == ["closed"])
        }
    }

    @Test func healthChecksDiscoverModelsAndEjectBrokenReplicas() async throws {
        try await withFake { base, client in
            var configuration = Self.configuration("found", replicas: ["\(base)/ok/v1", "\(base)/fail500/v1"], models: [])
            configuration.models = nil
            let backend = try UpstreamBackend(configuration: configuration, client: client, directory: UpstreamDirectory(), logger: Self.logger)
            #expect(!backend.serves("fake-model"))
            await backend.checkReplicas()
            #expect(backend.serves("fake-model"))
            #expect(backend.replicaStatuses().map(\.state) == ["closed", "open"])
        }
    }
}
