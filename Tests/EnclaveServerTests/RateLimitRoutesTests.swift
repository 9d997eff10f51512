// Enclave server tests: /v1 generations under rate limits and budgets.

import EnclaveCore
import EnclaveGateway
import EnclaveServer
import EnclaveTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite struct RateLimitRoutesTests {
    /// A test server whose application has a limit gate over an in-memory usage store.
    struct LimitedServer {
        let server: TestServer
        let usage = InMemoryUsageStore()
        let clock = ManualWallClock()

        init(_ limits: LimitsConfiguration) async throws {
            server = try await TestServer(limits: limits)
        }

        func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            let gate = try await LimitGate(store: usage, clock: clock)
            let app = buildApplication(
                configuration: server.configuration,
                backend: server.backend,
                stores: server.stores,
                metrics: server.metrics,
                limitGate: gate,
                logger: Logger(label: "enclave-test") { _ in SwiftLogNoOpLogHandler() }
            )
            try await app.test(.router, body)
        }
    }

    static let chat = #"{"model":"test-model","max_tokens":3,"messages":[{"role":"user","content":"hi there"}]}"#

    @Test func requestsOverTheKeysRequestsPerMinuteGet429WithRetryAfterAndHeaders() async throws {
        let limited = try await LimitedServer(LimitsConfiguration(queueLength: 8, perKey: LimitPolicy(requestsPerMinute: 2)))
        let headers = limited.server.headers()
        try await limited.test { client in
            for remaining in ["1", "0"] {
                let response = try await client.post("/v1/chat/completions", json: Self.chat, headers: headers)
                #expect(response.status == .ok)
                #expect(response.headers[.init("x-ratelimit-limit-requests")!] == "2")
                #expect(response.headers[.init("x-ratelimit-remaining-requests")!] == remaining)
                #expect(response.headers[.init("x-ratelimit-reset-requests")!] != nil)
                #expect(response.headers[.init("x-ratelimit-limit-tokens")!] == nil)
            }
            let refused = try await client.post("/v1/chat/completions", json: Self.chat, headers: headers)
            #expect(refused.status == .tooManyRequests)
            // 2 per minute: one request comes back every 30 s; the bucket is full again in a minute.
            #expect(refused.headers[.retryAfter] == "30")
            #expect(refused.headers[.init("x-ratelimit-remaining-requests")!] == "0")
            #expect(refused.headers[.init("x-ratelimit-reset-requests")!] == "1m0s")
            let error = try refused.openAIError()
            #expect(error["type"] as? String == "requests")
            #expect(error["code"] as? String == "rate_limit_exceeded")
            #expect((error["message"] as? String)?.contains("on requests per min (RPM): Limit 2, Used 2, Requested 1") == true)
        }
        // The two answered requests are recorded; the refused one used nothing.
        let keyID = try #require(try await limited.server.store.list().first?.id)
        #expect(try await limited.usage.totals(for: .key(keyID), since: UsageDay(limited.clock.now())).requests == 2)
        #expect(limited.server.backend.counts.started == 2)
    }

    @Test func usageIsRecordedAndTokenHeadersReportTheTightestBudget() async throws {
        let limited = try await LimitedServer(
            LimitsConfiguration(queueLength: 8, perUser: LimitPolicy(tokensPerMinute: 10_000, tokensPerDay: 1000))
        )
        let headers = limited.server.headers()
        try await limited.test { client in
            let response = try await client.post("/v1/chat/completions", json: Self.chat, headers: headers)
            #expect(response.status == .ok)
            #expect(response.headers[.init("x-ratelimit-limit-tokens")!] == "1000")
            let usage = try #require(try response.json()["usage"] as? [String: Any])
            let prompt = try #require(usage["prompt_tokens"] as? Int)
            // The reservation was prompt + max_tokens; the headers count it.
            #expect(response.headers[.init("x-ratelimit-remaining-tokens")!] == String(1000 - prompt - 3))
            #expect(usage["completion_tokens"] as? Int == 3)

            let stream = #"{"model":"test-model","max_tokens":2,"stream":true,"prompt":"one two three"}"#
            let streamed = try await client.post("/v1/completions", json: stream, headers: headers)
            #expect(streamed.status == .ok)
            #expect(streamed.headers[.init("x-ratelimit-limit-tokens")!] == "1000")
            #expect(streamed.events().last == "[DONE]")

            let totals = try await limited.usage.totals(
                for: .key(try #require(limited.server.store.list().first?.id)),
                since: UsageDay(limited.clock.now())
            )
            #expect(totals.requests == 2)
            #expect(totals.completionTokens == 5)
            #expect(totals.promptTokens == prompt + 3)
        }
    }

    @Test func meReportsTheLimitsThatApplyAndWhereTheCallerStands() async throws {
        let limits = LimitsConfiguration(perKey: LimitPolicy(requestsPerMinute: 5), perUser: LimitPolicy(tokensPerDay: 1000))
        let limited = try await LimitedServer(limits)
        let headers = limited.server.headers()
        try await limited.test { client in
            #expect(try await client.post("/v1/chat/completions", json: Self.chat, headers: headers).status == .ok)
            let me = try await client.execute(uri: "/v1/me", method: .get, headers: headers)
            #expect(me.status == .ok)
            let object = try #require(try me.json()["limits"] as? [String: Any])
            let subjects = try #require(object["subjects"] as? [[String: Any]])
            #expect(subjects.map { $0["kind"] as? String } == ["key", "user"])
            #expect(subjects[0]["requests_per_minute"] as? Int == 5)
            #expect(subjects[1]["tokens_per_day"] as? Int == 1000)
            #expect(subjects[1]["id"] as? String == User.builtInAdminID)
            let requests = try #require(object["requests"] as? [String: Any])
            #expect(requests["limit"] as? String == "requests_per_minute")
            #expect(requests["remaining"] as? Int == 4)
            let tokens = try #require(object["tokens"] as? [String: Any])
            #expect(tokens["limit"] as? String == "tokens_per_day")
            let remaining = try #require(tokens["remaining"] as? Int)
            #expect(remaining < 1000 && remaining > 900)
        }
    }

    @Test func aRequestLargerThanTheTokensPerMinuteIsRefusedWithoutRetryAfter() async throws {
        let limited = try await LimitedServer(LimitsConfiguration(queueLength: 8, perKey: LimitPolicy(tokensPerMinute: 10)))
        let headers = limited.server.headers()
        try await limited.test { client in
            let json = #"{"model":"test-model","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}"#
            let refused = try await client.post("/v1/chat/completions", json: json, headers: headers)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == nil)
            let error = try refused.openAIError()
            #expect(error["type"] as? String == "tokens")
            #expect((error["message"] as? String)?.hasPrefix("Request too large for key") == true)
        }
        #expect(limited.server.backend.counts.prepared == 1)
        #expect(limited.server.backend.counts.started == 0)
    }
}
