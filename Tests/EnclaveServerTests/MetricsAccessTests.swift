// Enclave server tests: /metrics is for admins and scrapers; a scraper's key is for /metrics only.

import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct MetricsAccessTests {
    static func key(_ name: String, scopes: Set<KeyScope>, in server: TestServer) async throws -> String {
        let (key, secret) = try APIKey.issue(name: name, userID: User.builtInAdminID, scopes: scopes)
        try await server.store.create(key)
        return secret.value
    }

    @Test func aMemberKeyGetsAClear403OnMetrics() async throws {
        let server = try await TestServer()
        let member = try await Self.key("member", scopes: [.inference], in: server)
        try await server.test { client in
            let response = try await client.execute(uri: "/metrics", method: .get, headers: server.headers(key: member))
            #expect(response.status == .forbidden)
            // /metrics is outside the OpenAI dialect: a plain error body.
            let error = try #require(try response.json()["error"] as? [String: String])
            #expect(error["code"] == "insufficient_permissions")
            #expect(error["message"]?.contains("Missing scope: metrics") == true)
            #expect(error["message"]?.contains("--scope metrics") == true)
            #expect(!response.text.contains("enclave_http_requests_total"))
            // The same key still uses the API.
            #expect(try await client.execute(uri: "/v1/models", method: .get, headers: server.headers(key: member)).status == .ok)
        }
        #expect(server.metricsText.contains(#"status="403""#))
    }

    @Test func adminAndMetricsKeysScrape() async throws {
        let server = try await TestServer()
        let scraper = try await Self.key("prometheus", scopes: [.metrics], in: server)
        let both = try await Self.key("both", scopes: [.metrics, .inference], in: server)
        try await server.test { client in
            for key in [server.adminKey, scraper, both] {
                let response = try await client.execute(uri: "/metrics", method: .get, headers: server.headers(key: key))
                #expect(response.status == .ok)
                #expect(response.text.contains("enclave_backend_capacity"))
            }
            #expect(try await client.execute(uri: "/v1/models", method: .get, headers: server.headers(key: both)).status == .ok)
        }
    }

    @Test func aMetricsKeyGets403OnEveryV1Route() async throws {
        let server = try await TestServer()
        let scraper = try await Self.key("prometheus", scopes: [.metrics], in: server)
        try await server.test { client in
            let requests: [(String, HTTPRequest.Method, String?)] = [
                ("/v1/models", .get, nil), ("/v1/models/test-model", .get, nil),
                ("/v1/chat/completions", .post, ChatCompletionsTests.hello),
                ("/v1/completions", .post, #"{"model":"test-model","prompt":"hi"}"#),
            ]
            for (uri, method, body) in requests {
                let response = try await client.execute(
                    uri: uri,
                    method: method,
                    headers: server.headers(key: scraper),
                    body: body.map { ByteBuffer(string: $0) }
                )
                #expect(response.status == .forbidden, "\(uri)")
                let error = try response.openAIError()
                #expect(error["code"] as? String == "insufficient_permissions")
                #expect((error["message"] as? String)?.contains("Missing scope: inference") == true)
            }
        }
        #expect(server.backend.counts.prepared == 0 && server.backend.counts.started == 0)
    }
}
