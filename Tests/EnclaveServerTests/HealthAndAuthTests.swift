// Enclave server tests: health checks and authentication.

import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import Testing

@Suite struct HealthAndAuthTests {
    @Test func healthzIsOpen() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(try response.json()["status"] as? String == "ok")
        }
    }

    @Test func readyzFollowsTheModelStates() async throws {
        let backend = ScriptedBackend(models: [.init(id: "a", state: .loading), .init(id: "b")])
        let server = try await TestServer(backend: backend, models: ["a", "b"])
        try await server.test { client in
            var response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(try response.json()["status"] as? String == "loading")

            backend.setState(.ready, of: "a")
            response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .ok)
            #expect(try response.json()["status"] as? String == "ready")

            backend.setState(.failed("corrupt file"), of: "b")
            response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            let models = try #require(try response.json()["models"] as? [[String: Any]])
            #expect(models.first { $0["id"] as? String == "b" }?["error"] as? String == "corrupt file")
        }
    }

    @Test func readyzIsNotReadyForAConfiguredModelTheBackendLacks() async throws {
        let server = try await TestServer(models: ["test-model", "absent"])
        try await server.test { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
        }
    }

    @Test(arguments: ["/v1/models", "/metrics"])
    func routesNeedAKey(uri: String) async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            // /v1 answers in OpenAI's shape; /metrics, outside the dialect, with a plain JSON error.
            let error = uri.hasPrefix("/v1") ? try response.openAIError() : try #require(try response.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "missing_api_key")
            #expect(error["message"] is String)
        }
    }

    @Test func errorsOutsideV1ArePlainAndInsideAreOpenAIShaped() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let outside = try await client.execute(uri: "/nothing", method: .get, headers: server.headers())
            #expect(outside.status == .notFound)
            let plain = try #require(try outside.json()["error"] as? [String: Any])
            #expect(Set(plain.keys) == ["message", "code"])
            #expect(plain["code"] as? String == "unknown_url")
            #expect(outside.headers[RequestIdentifier.header] != nil)

            let inside = try await client.execute(uri: "/v1/no/such/route", method: .post, headers: server.headers())
            #expect(inside.status == .notFound)
            #expect(try inside.openAIError()["type"] as? String == "invalid_request_error")
            #expect(inside.headers[RequestIdentifier.header] != nil)

            let unauthenticated = try await client.execute(uri: "/v1/nothing", method: .get)
            #expect(unauthenticated.status == .unauthorized)
            #expect(try unauthenticated.openAIError()["code"] as? String == "missing_api_key")
        }
        let statuses = server.logs.entries.filter { $0.message.description == "request" }.map { $0.metadata["http.status"]?.description }
        #expect(statuses == ["404", "404", "401"])
        #expect(sample(server.metricsText, "enclave_http_requests_total", [#"status="404""#]) != nil)
    }

    @Test func postRoutesNeedAKeyBeforeAnythingElse() async throws {
        let server = try await TestServer()
        try await server.test { client in
            for uri in ["/v1/chat/completions", "/v1/completions"] {
                let response = try await client.post(uri, json: "not even json", headers: [.contentType: "application/json"])
                #expect(response.status == .unauthorized)
            }
            #expect(server.backend.counts.prepared == 0)
        }
    }

    @Test func wrongAndMalformedKeysAreRefused() async throws {
        let server = try await TestServer()
        try await server.test { client in
            for header in ["Bearer \(APIKeySecret.generate().value)", "Bearer sk-not-enclave", "Basic YTpi"] {
                let response = try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: header])
                #expect(response.status == .unauthorized)
                let code = try response.openAIError()["code"] as? String
                #expect(code == (header.hasPrefix("Basic") ? "missing_api_key" : "invalid_api_key"))
            }
        }
    }

    @Test func revokedKeysStopWorkingAtOnce() async throws {
        let server = try await TestServer()
        let (key, secret) = try APIKey.issue(name: "temp", userID: User.builtInAdminID)
        try await server.store.create(key)
        try await server.test { client in
            var response = try await client.execute(uri: "/v1/models", method: .get, headers: server.headers(key: secret.value))
            #expect(response.status == .ok)
            _ = try await server.store.revoke(idOrName: "temp", at: Date())
            response = try await client.execute(uri: "/v1/models", method: .get, headers: server.headers(key: secret.value))
            #expect(response.status == .unauthorized)
            #expect(try response.openAIError()["message"] as? String == "This API key has been revoked.")
        }
    }

    @Test func unknownRoutesAreOpenAIShaped404s() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/v1/nothing", method: .get, headers: server.headers())
            #expect(response.status == .notFound)
            #expect(try response.openAIError()["code"] as? String == "unknown_url")
        }
    }

    @Test func requestIDsAreMadeOrEchoed() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let made = try await client.execute(uri: "/healthz", method: .get)
            let id = try #require(made.headers[RequestIdentifier.header])
            #expect(id.count == 24)
            var headers = server.headers()
            headers[RequestIdentifier.header] = "trace-42"
            let echoed = try await client.execute(uri: "/v1/models", method: .get, headers: headers)
            #expect(echoed.headers[RequestIdentifier.header] == "trace-42")
            headers[RequestIdentifier.header] = "bad id with spaces"
            let replaced = try await client.execute(uri: "/v1/models", method: .get, headers: headers)
            #expect(replaced.headers[RequestIdentifier.header] != "bad id with spaces")
        }
    }

    @Test func listsModels() async throws {
        let backend = ScriptedBackend(models: [.init(id: "m1", contextLength: 2048), .init(id: "m2")])
        let server = try await TestServer(backend: backend, models: ["m1", "m2"])
        try await server.test { client in
            let response = try await client.execute(uri: "/v1/models", method: .get, headers: server.headers())
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["object"] as? String == "list")
            let data = try #require(body["data"] as? [[String: Any]])
            #expect(data.map { $0["id"] as? String } == ["m1", "m2"])
            #expect(data[0]["object"] as? String == "model")
            #expect(data[0]["owned_by"] as? String == "test")
            #expect(data[0]["context_length"] as? Int == 2048)
            #expect(data[0]["created"] is Int)

            let one = try await client.execute(uri: "/v1/models/m2", method: .get, headers: server.headers())
            #expect(try one.json()["id"] as? String == "m2")
            let missing = try await client.execute(uri: "/v1/models/zzz", method: .get, headers: server.headers())
            #expect(missing.status == .notFound)
            #expect(try missing.openAIError()["code"] as? String == "model_not_found")
        }
    }
}
