// Enclave: tests of the YAML configuration.

import EnclaveCore
import Foundation
import Testing

@Suite struct ConfigurationTests {
    func parse(_ yaml: String, environment: [String: String] = [:], base: String? = nil) throws -> EnclaveConfiguration {
        try EnclaveConfiguration(yaml: yaml, source: "test.yaml", baseDirectory: base, environment: environment)
    }

    func failure(_ yaml: String, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try parse(yaml, environment: environment)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func emptyDocumentGivesDefaults() throws {
        let configuration = try parse("")
        #expect(configuration == EnclaveConfiguration())
        #expect(configuration.listen.host == "127.0.0.1")
        #expect(configuration.listen.port == 8080)
        #expect(configuration.storage.dataDirectory == "data")
        #expect(configuration.models == [ModelConfiguration(id: "SmolLM2-135M-Instruct.Q4_1", file: "models/SmolLM2-135M-Instruct.Q4_1.gguf")])
        #expect(configuration.limits.queueLength == 64)
        #expect(configuration.server.shutdownGraceSeconds == 30)
    }

    @Test func everyKeyIsRead() throws {
        let configuration = try parse(
            """
            listen:
              host: 0.0.0.0
              port: 9000
            storage:
              data_dir: /var/lib/enclave
            models:
              - id: chat
                file: /models/a.gguf
                context_length: 2048
                kv_budget: 256MiB
                threads: 2
              - file: /models/b-model.gguf
            limits:
              max_body_bytes: 64KiB
              max_tokens: 512
              queue_length: 8
              queue_length_per_principal: 2
            logging:
              level: debug
              format: json
            server:
              shutdown_grace_seconds: 2.5
            """
        )
        #expect(configuration.listen == ListenConfiguration(host: "0.0.0.0", port: 9000))
        #expect(configuration.storage.dataDirectory == "/var/lib/enclave")
        #expect(
            configuration.models == [
                ModelConfiguration(id: "chat", file: "/models/a.gguf", contextLength: 2048, kvBudgetBytes: 256 << 20, threads: 2),
                ModelConfiguration(id: "b-model", file: "/models/b-model.gguf"),
            ]
        )
        #expect(configuration.limits == LimitsConfiguration(maxBodyBytes: 65536, maxTokens: 512, queueLength: 8, queueLengthPerPrincipal: 2))
        #expect(configuration.logging == LoggingConfiguration(level: "debug", format: .json))
        #expect(configuration.server.shutdownGraceSeconds == 2.5)
    }

    @Test func unknownTopLevelKeyNamesKeyAndLine() throws {
        let error = try #require(failure("listen:\n  port: 1\nlistn:\n  host: x\n"))
        #expect(error.code == .unknownKey)
        #expect(error.line == 3)
        #expect(error.key == "listn")
        #expect(error.description.hasPrefix("test.yaml:3: listn: unknown key"))
    }

    @Test func unknownNestedKeyNamesPathAndLine() throws {
        let error = try #require(failure("limits:\n  max_tokens: 5\n  queue_lenght: 4\n"))
        #expect(error.code == .unknownKey)
        #expect(error.line == 3)
        #expect(error.key == "limits.queue_lenght")
        #expect(error.problem.contains("queue_length"))
    }

    @Test func unknownKeyInsideAModelNamesItsIndex() throws {
        let error = try #require(failure("models:\n  - file: a.gguf\n  - file: b.gguf\n    thread: 4\n"))
        #expect(error.code == .unknownKey)
        #expect(error.key == "models[1].thread")
        #expect(error.line == 4)
    }

    @Test(arguments: [
        ("limits:\n  queue_length: many\n", "limits.queue_length", 2),
        ("listen:\n  port: 70000\n", "listen.port", 2),
        ("listen:\n  host: ''\n", "listen.host", 2),
        ("logging:\n  level: loud\n", "logging.level", 2),
        ("logging:\n  format: xml\n", "logging.format", 2),
        ("\n\nlimits:\n  max_body_bytes: 1 lightyear\n", "limits.max_body_bytes", 4),
        ("server:\n  shutdown_grace_seconds: -1\n", "server.shutdown_grace_seconds", 2),
        ("models:\n  - file: a.gguf\n    threads: 0\n", "models[0].threads", 3),
        ("models:\n  - file: a.gguf\n    context_length: [1]\n", "models[0].context_length", 3),
        ("models: []\n", "models", 1),
        ("listen: 8080\n", "listen", 1),
    ])
    func invalidValueNamesKeyAndLine(yaml: String, key: String, line: Int) throws {
        let error = try #require(failure(yaml))
        #expect(error.code == .invalidValue)
        #expect(error.key == key)
        #expect(error.line == line)
    }

    @Test func modelWithoutFileIsAMissingKey() throws {
        let error = try #require(failure("models:\n  - id: x\n    threads: 2\n"))
        #expect(error.code == .missingKey)
        #expect(error.key == "models[0].file")
        #expect(error.line == 2)
    }

    @Test func duplicateModelIdsAreRejected() throws {
        let error = try #require(failure("models:\n  - id: a\n    file: x.gguf\n  - id: a\n    file: y.gguf\n"))
        #expect(error.code == .invalidValue)
        #expect(error.key == "models[1].id")
        #expect(error.line == 4)
    }

    @Test func yamlSyntaxErrorHasALine() throws {
        let error = try #require(failure("listen:\n  host: a\n   port: [1,\n"))
        #expect(error.code == .syntax)
        #expect(error.line != nil)
    }

    @Test func environmentVariablesAreSubstituted() throws {
        let configuration = try parse(
            "listen:\n  host: ${HOST}\n  port: ${PORT:-9999}\nstorage:\n  data_dir: /srv/${TEAM}/data\n",
            environment: ["HOST": "10.0.0.1", "TEAM": "ops"]
        )
        #expect(configuration.listen.host == "10.0.0.1")
        #expect(configuration.listen.port == 9999)
        #expect(configuration.storage.dataDirectory == "/srv/ops/data")
    }

    @Test func substitutedValuesAreValidatedLikeLiterals() throws {
        let error = try #require(failure("limits:\n  queue_length: ${QUEUE}\n", environment: ["QUEUE": "lots"]))
        #expect(error.code == .invalidValue)
        #expect(error.key == "limits.queue_length")
        #expect(error.line == 2)
    }

    @Test func undefinedVariableNamesKeyLineAndVariable() throws {
        let error = try #require(failure("listen:\n  port: 1\n  host: ${ENCLAVE_HOST}\n"))
        #expect(error.code == .undefinedVariable)
        #expect(error.key == "listen.host")
        #expect(error.line == 3)
        #expect(error.problem.contains("ENCLAVE_HOST"))
    }

    @Test func relativePathsResolveAgainstTheFilesDirectory() throws {
        let configuration = try parse(
            "storage:\n  data_dir: state\nmodels:\n  - file: ../models/m.gguf\n  - file: /abs/n.gguf\n",
            base: "/etc/enclave"
        )
        #expect(configuration.storage.dataDirectory == "/etc/enclave/state")
        #expect(configuration.models.map(\.file) == ["/etc/models/m.gguf", "/abs/n.gguf"])
        #expect(configuration.models.map(\.id) == ["m", "n"])
    }

    @Test func nullLeavesOptionalKeysUnset() throws {
        let configuration = try parse("limits:\n  max_tokens: ~\nmodels:\n  - file: a.gguf\n    threads:\n")
        #expect(configuration.limits.maxTokens == nil)
        #expect(configuration.models[0].threads == nil)
    }

    @Test func loadReportsAnUnreadableFile() throws {
        #expect {
            _ = try EnclaveConfiguration.load(path: "/nonexistent/enclave.yaml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.code == .unreadable
        }
    }

    @Test func loadReadsAFileAndNamesItInErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("enclave.yaml").path
        try "models:\n  - file: m.gguf\n".write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try EnclaveConfiguration.load(path: path, environment: [:])
        #expect(configuration.models[0].file == directory.appendingPathComponent("m.gguf").path)

        try "limits:\n  bogus: 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try EnclaveConfiguration.load(path: path, environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.description.hasPrefix("\(path):2: limits.bogus:") == true
        }
    }

    @Test func theExampleFileParsesAndDocumentsEveryKey() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("enclave.example.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let configuration = try EnclaveConfiguration.load(path: path, environment: ["ENCLAVE_HOST": "127.0.0.1"])
        #expect(configuration.models.count >= 1)
        for key in [
            "listen:", "host:", "port:", "storage:", "data_dir:", "models:", "id:", "file:", "context_length:", "kv_budget:",
            "threads:", "limits:", "max_body_bytes:", "max_tokens:", "queue_length:", "queue_length_per_principal:", "logging:",
            "level:", "format:", "server:", "shutdown_grace_seconds:",
        ] {
            #expect(text.contains(key), "enclave.example.yaml does not mention \(key)")
        }
    }

    @Test func modelIDComesFromTheFileName() {
        #expect(ModelConfiguration.id(forFile: "models/SmolLM2-135M-Instruct.Q4_1.gguf") == "SmolLM2-135M-Instruct.Q4_1")
        #expect(ModelConfiguration.id(forFile: "/x/y/Model.GGUF") == "Model")
        #expect(ModelConfiguration.id(forFile: "plain") == "plain")
    }
}

@Suite struct EnvironmentSubstitutionTests {
    @Test func replacesVariablesAndKeepsOtherText() throws {
        #expect(try EnvironmentSubstitution.apply(to: "a-${X}-b-${Y}", environment: ["X": "1", "Y": "2"]) == "a-1-b-2")
        #expect(try EnvironmentSubstitution.apply(to: "no variables", environment: [:]) == "no variables")
        #expect(try EnvironmentSubstitution.apply(to: "cost: $5", environment: [:]) == "cost: $5")
    }

    @Test func fallbackAppliesWhenUnsetOrEmpty() throws {
        #expect(try EnvironmentSubstitution.apply(to: "${X:-def}", environment: [:]) == "def")
        #expect(try EnvironmentSubstitution.apply(to: "${X:-def}", environment: ["X": ""]) == "def")
        #expect(try EnvironmentSubstitution.apply(to: "${X:-def}", environment: ["X": "set"]) == "set")
        #expect(try EnvironmentSubstitution.apply(to: "${X}", environment: ["X": ""]) == "")
    }

    @Test func doubleDollarIsALiteralDollar() throws {
        #expect(try EnvironmentSubstitution.apply(to: "$${X}", environment: ["X": "no"]) == "${X}")
    }

    @Test func failures() {
        #expect(throws: EnvironmentSubstitution.Failure.undefined("MISSING")) {
            try EnvironmentSubstitution.apply(to: "${MISSING}", environment: [:])
        }
        #expect(throws: EnvironmentSubstitution.Failure.self) {
            try EnvironmentSubstitution.apply(to: "${UNCLOSED", environment: [:])
        }
        #expect(throws: EnvironmentSubstitution.Failure.self) {
            try EnvironmentSubstitution.apply(to: "${1BAD}", environment: [:])
        }
    }
}
