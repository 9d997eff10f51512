// Enclave: tests of the `backends:` section (upstream servers) of the configuration.

import EnclaveCore
import Testing

@Suite struct BackendsConfigurationTests {
    func parse(_ yaml: String) throws -> EnclaveConfiguration {
        try EnclaveConfiguration(yaml: yaml, source: "test.yaml", environment: ["GPU_KEY": "sk-secret"])
    }

    func failure(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func theMinimalDeclarationServesItsModelAndNoEmbeddedOne() throws {
        let configuration = try parse(
            """
            backends:
              - name: gpu-box
                type: openai
                url: http://gpu-box.internal:8000/v1
                models: [llama-3-8b]
            """
        )
        #expect(configuration.models.isEmpty)
        #expect(
            configuration.backends == [UpstreamConfiguration(name: "gpu-box", replicas: ["http://gpu-box.internal:8000/v1"], models: ["llama-3-8b"])]
        )
        #expect(configuration.backends[0].capacity == 8)
    }

    @Test func everyKeyIsRead() throws {
        let configuration = try parse(
            """
            models:
              - file: models/a.gguf
            backends:
              - name: vllm
                type: openai
                replicas: [http://a:8000/v1/, https://b:8000/v1]
                api_key: ${GPU_KEY}
                ca_file: /etc/ca.pem
                tls_verify: false
                timeouts: {connect: 1, first_byte: 2.5, idle: 3, total: 40}
                concurrency: 4
                context_length: 8192
                retries: 1
                health: {interval: 0, path: /health, failures: 5, cooldown: 2}
                models: [llama-3-8b, llama-3-70b]
                aliases: {gpt-4o-mini: llama-3-8b}
                fallbacks: {llama-3-70b: [llama-3-8b]}
            """
        )
        let backend = try #require(configuration.backends.first)
        #expect(configuration.models.map(\.id) == ["a"])
        #expect(backend.replicas == ["http://a:8000/v1", "https://b:8000/v1"])
        #expect(backend.apiKey == "sk-secret")
        #expect(backend.caFile == "/etc/ca.pem")
        #expect(!backend.tlsVerify)
        #expect(backend.timeouts == .init(connect: 1, firstByte: 2.5, idle: 3, total: 40))
        #expect(backend.concurrencyPerReplica == 4)
        #expect(backend.capacity == 8)
        #expect(backend.contextLength == 8192)
        #expect(backend.retries == 1)
        #expect(backend.health == .init(intervalSeconds: 0, path: "/health", failureThreshold: 5, cooldownSeconds: 2))
        #expect(backend.models == ["llama-3-8b", "llama-3-70b"])
        #expect(backend.aliases == ["gpt-4o-mini": "llama-3-8b"])
        #expect(backend.fallbacks == ["llama-3-70b": ["llama-3-8b"]])
    }

    @Test func withoutModelsTheyAreDiscovered() throws {
        let configuration = try parse("backends:\n  - {name: ollama, type: openai, url: 'http://localhost:11434/v1'}\n")
        #expect(configuration.backends[0].models == nil)
    }

    @Test(arguments: [
        ("backends:\n  - {type: openai, url: 'http://a/v1'}\n", "backends[0].name", "needs a name"),
        ("backends:\n  - {name: a, url: 'http://a/v1'}\n", "backends[0].type", "needs a type"),
        ("backends:\n  - {name: a, type: grpc, url: 'http://a/v1'}\n", "backends[0].type", "expected one of openai"),
        ("backends:\n  - {name: a, type: openai}\n", "backends[0].url", "needs a url"),
        ("backends:\n  - {name: a, type: openai, url: 'ftp://a/v1'}\n", "backends[0].url", "http:// or https://"),
        ("backends:\n  - {name: a, type: openai, url: 'http://a/v1', replicas: ['http://b/v1']}\n", "backends[0].replicas", "not both"),
        ("backends:\n  - {name: a, type: openai, replicas: ['http://b/v1', 'http://b/v1/']}\n", "backends[0].replicas[1]", "twice"),
        ("backends:\n  - {name: a, type: openai, url: 'http://a/v1', concurrency: 0}\n", "backends[0].concurrency", "from 1 to 4096"),
        ("backends:\n  - {name: a, type: openai, url: 'http://a/v1', timeouts: {first: 1}}\n", "backends[0].timeouts.first", "unknown key"),
        ("backends:\n  - {name: a, type: openai, url: 'http://a/v1', colour: red}\n", "backends[0].colour", "unknown key"),
        ("backends:\n  - {name: a, type: openai, url: 'http://a/v1', models: [m], aliases: {x: y}}\n", "backends[0].aliases.x", "not one of"),
        (
            "backends:\n  - {name: a, type: openai, url: 'http://a/v1', models: [m]}\n  - {name: b, type: openai, url: 'http://b/v1', models: [m]}\n",
            "backends[1].models[0]", "already used by backend 'a'"
        ),
        (
            "backends:\n  - {name: a, type: openai, url: 'http://a/v1', models: [m], fallbacks: {m: [n]}}\n", "backends[0].fallbacks.m",
            "not a model of any"
        ),
        ("backends:\n  - {name: a, type: openai, url: 'http://a/v1', models: [m], fallbacks: {m: [m]}}\n", "backends[0].fallbacks.m[0]", "itself"),
        ("backends:\n  - {name: a, type: openai, url: 'http://a/v1', api_key: '${NOPE}'}\n", "backends[0].api_key", "NOPE is not set"),
        (
            "models:\n  - {id: m, file: m.gguf}\nbackends:\n  - {name: a, type: openai, url: 'http://a/v1', models: [m]}\n", "backends[0].models[0]",
            "the embedded model"
        ),
    ])
    func aBadSectionNamesTheKey(yaml: String, key: String, problem: String) throws {
        let error = try #require(failure(yaml))
        #expect(error.key == key)
        #expect(error.problem.contains(problem), "\(error.problem)")
        #expect(error.line != nil)
    }
}
