// Enclave server tests: the X-Enclave-Priority header and the scheduler's metrics by team and model.

import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct SchedulingPriorityTests {
    static let hello = #"{"model":"test-model","messages":[{"role":"user","content":"Say hello"}]}"#
    static let priority = HTTPField.Name("X-Enclave-Priority")!

    @Test(arguments: ["batch", "interactive", " Batch "])
    func aKnownClassIsServed(value: String) async throws {
        let server = try await TestServer()
        try await server.test { client in
            var headers = server.headers()
            headers[Self.priority] = value
            let response = try await client.post("/v1/chat/completions", json: Self.hello, headers: headers)
            #expect(response.status == .ok)
        }
    }

    @Test(arguments: ["/v1/chat/completions", "/v1/completions"])
    func anUnknownClassIsABadRequestInOpenAIsShape(path: String) async throws {
        let server = try await TestServer()
        let body = path.hasSuffix("chat/completions") ? Self.hello : #"{"model":"test-model","prompt":"Hi"}"#
        try await server.test { client in
            var headers = server.headers()
            headers[Self.priority] = "urgent"
            let response = try await client.post(path, json: body, headers: headers)
            #expect(response.status == .badRequest)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["param"] as? String == "X-Enclave-Priority")
            #expect((error["message"] as? String)?.contains("interactive or batch") == true)
        }
        #expect(server.backend.counts.started == 0)
    }

    @Test func schedulerMetricsAreLabelledByTeamNameAndModel() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: Self.hello, headers: server.headers())
            #expect(response.status == .ok)
        }
        let lines = server.metricsText.split(separator: "\n").filter { $0.hasPrefix("enclave_scheduler_") }
        // The admin belongs to no team: it is counted in the default team, for its model.
        #expect(
            lines.contains { $0.hasPrefix("enclave_scheduler_running{") && $0.contains(#"team="default""#) && $0.contains(#"model="test-model""#) }
        )
        #expect(lines.contains { $0.hasPrefix("enclave_scheduler_queue_time_seconds") && $0.contains(#"team="default""#) })
        #expect(!lines.contains { $0.contains("user") || $0.contains("key") })
    }
}
