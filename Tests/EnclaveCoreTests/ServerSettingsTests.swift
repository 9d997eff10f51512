// Enclave: tests of the `server:` section (connection caps and timeouts).

import EnclaveCore
import Foundation
import Testing

@Suite struct ServerSettingsTests {
    func parse(_ yaml: String) throws -> EnclaveConfiguration {
        try EnclaveConfiguration(yaml: yaml, source: "test.yaml", environment: [:])
    }

    @Test func defaultsBoundEveryWaitAndConnection() throws {
        let settings = try parse("").server
        #expect(settings == ServerSettings())
        #expect(settings.requestHeadTimeoutSeconds == 10)
        #expect(settings.requestBodyTimeoutSeconds == 60)
        #expect(settings.idleTimeoutSeconds == 60)
        #expect(settings.maxConnections == 1024)
        #expect(settings.maxConnectionsPerClient == 256)
    }

    @Test func everyServerKeyIsRead() throws {
        let settings = try parse(
            """
            server:
              shutdown_grace_seconds: 5
              request_head_timeout_seconds: 2.5
              request_body_timeout_seconds: 30
              idle_timeout_seconds: 15
              max_connections: 300
              max_connections_per_client: 20
            """
        ).server
        #expect(
            settings
                == ServerSettings(
                    shutdownGraceSeconds: 5,
                    requestHeadTimeoutSeconds: 2.5,
                    requestBodyTimeoutSeconds: 30,
                    idleTimeoutSeconds: 15,
                    maxConnections: 300,
                    maxConnectionsPerClient: 20
                )
        )
    }

    @Test(arguments: [
        ("server:\n  request_head_timeout_seconds: 0\n", "server.request_head_timeout_seconds", 2),
        ("server:\n  request_body_timeout_seconds: soon\n", "server.request_body_timeout_seconds", 2),
        ("server:\n  idle_timeout_seconds: -3\n", "server.idle_timeout_seconds", 2),
        ("server:\n  max_connections: 0\n", "server.max_connections", 2),
        ("server:\n  max_connections_per_client: 2.5\n", "server.max_connections_per_client", 2),
        ("server:\n  max_connections: 10\n  max_connections_per_client: 11\n", "server.max_connections_per_client", 3),
        ("server:\n  max_connections_per_client: 2000\n", "server.max_connections_per_client", 2),
    ])
    func invalidValuesNameTheKeyAndLine(yaml: String, key: String, line: Int) throws {
        do {
            _ = try parse(yaml)
            Issue.record("accepted \(yaml)")
        } catch let error as ConfigurationError {
            #expect(error.code == .invalidValue)
            #expect(error.key == key)
            #expect(error.line == line)
        }
    }

    @Test func perClientCapOverTheTotalSaysWhy() throws {
        do {
            _ = try parse("server:\n  max_connections: 10\n  max_connections_per_client: 11\n")
            Issue.record("accepted")
        } catch let error as ConfigurationError {
            #expect(error.problem.contains("server.max_connections (10)"))
        }
    }

    @Test func aLowTotalAloneLowersThePerClientDefault() throws {
        let settings = try parse("server:\n  max_connections: 100\n").server
        #expect(settings.maxConnections == 100)
        #expect(settings.maxConnectionsPerClient == 100)
    }

    @Test func anUnknownServerKeyListsTheKnownOnes() throws {
        do {
            _ = try parse("server:\n  idle_timeout: 5\n")
            Issue.record("accepted")
        } catch let error as ConfigurationError {
            #expect(error.code == .unknownKey)
            #expect(error.problem.contains("idle_timeout_seconds"))
            #expect(error.problem.contains("max_connections_per_client"))
        }
    }

    @Test func theExampleFileDocumentsEveryServerKey() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = try String(contentsOfFile: root.appendingPathComponent("enclave.example.yaml").path, encoding: .utf8)
        let docs = try String(contentsOfFile: root.appendingPathComponent("docs/configuration.md").path, encoding: .utf8)
        for key in [
            "request_head_timeout_seconds", "request_body_timeout_seconds", "idle_timeout_seconds", "max_connections",
            "max_connections_per_client",
        ] {
            #expect(example.contains("\(key):"), "enclave.example.yaml does not mention \(key)")
            #expect(docs.contains("`server.\(key)`"), "docs/configuration.md does not document \(key)")
        }
    }
}
