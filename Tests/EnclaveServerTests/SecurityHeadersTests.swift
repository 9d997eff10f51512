// Enclave server tests: security headers, the root page and 405 with Allow (router level).

import EnclaveServer
import EnclaveTesting
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct SecurityHeadersTests {
    func expectSecurityHeaders(_ response: TestResponse, _ what: String) {
        #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff", "\(what)")
        #expect(response.headers[.cacheControl] == "no-store", "\(what)")
        #expect(response.headers[.init("Referrer-Policy")!] == "no-referrer", "\(what)")
        #expect(response.headers[.init("X-Frame-Options")!] == "DENY", "\(what)")
        #expect(response.headers[.contentSecurityPolicy] != nil, "\(what)")
    }

    @Test func everyResponseCarriesThemErrorsAnd404sIncluded() async throws {
        let server = try await TestServer()
        try await server.test { client in
            expectSecurityHeaders(try await client.execute(uri: "/healthz", method: .get), "healthz")
            expectSecurityHeaders(try await client.execute(uri: "/readyz", method: .get), "readyz")
            expectSecurityHeaders(try await client.execute(uri: "/nowhere", method: .get), "404")
            expectSecurityHeaders(try await client.execute(uri: "/v1/models", method: .get), "401")
            expectSecurityHeaders(try await client.execute(uri: "/v1/models", method: .get, headers: server.headers()), "models")
            let invalid = try await client.post("/v1/chat/completions", json: "{", headers: server.headers())
            #expect(invalid.status == .badRequest)
            expectSecurityHeaders(invalid, "400")
            let stream = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true}"#
            expectSecurityHeaders(try await client.post("/v1/chat/completions", json: stream, headers: server.headers()), "stream")
        }
    }

    @Test func theRootPageIsOpenHTMLWithAStrictPolicy() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'none'"))
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(page.text.contains("Enclave"))
            #expect(page.text.contains("/v1"))
            #expect(!page.text.contains("src=") && !page.text.contains("href="), "the page loads and links nothing")
            #expect(!page.text.contains("<script") && !page.text.contains("<link") && !page.text.contains("<img"))
            expectSecurityHeaders(page, "root")
            let head = try await client.execute(uri: "/", method: .head)
            #expect(head.status == .ok)
        }
    }

    @Test(arguments: [
        ("/v1/chat/completions", HTTPRequest.Method.get, "POST"),
        ("/v1/chat/completions", .options, "POST"),
        ("/v1/completions", .init("TRACE")!, "POST"),
        ("/v1/completions", .put, "POST"),
        ("/v1/models", .post, "GET, HEAD"),
        ("/healthz", .delete, "GET, HEAD"),
    ])
    func aKnownPathWithAnotherMethodIs405WithAllow(path: String, method: HTTPRequest.Method, allow: String) async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: path, method: method, headers: server.headers())
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allow)
            if path.hasPrefix("/v1") {
                #expect(try response.openAIError()["message"] as? String == "Method not allowed for this URL.")
            } else {
                #expect(try response.json()["error"] as? [String: String] == ["message": "Method Not Allowed", "code": "http_405"])
            }
        }
        #expect(server.backend.counts.finished == 0)
    }

    @Test func anUnknownPathIsStill404() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/v1/nothing", method: .post, headers: server.headers())
            #expect(response.status == .notFound)
            #expect(response.headers[.allow] == nil)
        }
    }
}
