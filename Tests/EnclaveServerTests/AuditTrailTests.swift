// Enclave server tests: what the audit log records of requests and changes, and when.

import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct AuditTrailTests {
    static let secretPrompt = "zebra-quokka-7731 my bank password is hunter2"
    static let chat = #"{"model":"test-model","messages":[{"role":"user","content":"\#(secretPrompt)"}]}"#

    static func log(_ server: TestServer) throws -> InMemoryAuditLog {
        try #require(server.stores.audit as? InMemoryAuditLog)
    }

    @Test func servedAndRefusedRequestsAreRecordedWithoutTheirText() async throws {
        let fixture = try await PeopleFixture()
        let server = fixture.server
        let log = try Self.log(server)
        let before = await log.all.count
        let aliceKey = try #require(try await server.stores.keys.list(ownedBy: fixture.alice.id).first { $0.name == "laptop" })
        try await server.test { client in
            let served = try await client.post("/v1/chat/completions", json: Self.chat, headers: fixture.headers(fixture.memberKey))
            #expect(served.status == .ok)
            let requestID = served.headers[RequestIdentifier.header]
            // The record is there when the client has the answer.
            let record = try #require(await log.all.last)
            #expect(record.action == .request && record.outcome == .success && record.status == 200)
            #expect(record.actor.userID == fixture.alice.id && record.actor.keyID == aliceKey.id)
            #expect(record.model == "test-model" && record.completionTokens == 7)
            #expect(record.promptTokens.map { $0 > 5 } == true)
            #expect(record.target == "/v1/chat/completions" && record.requestID == requestID)
            #expect(record.latencyMilliseconds.map { $0 >= 0 } == true)

            let anonymous = try await client.post("/v1/chat/completions", json: Self.chat, headers: fixture.headers(nil))
            #expect(anonymous.status == .unauthorized)
            let refused = try #require(await log.all.last)
            #expect(refused.status == 401 && refused.outcome == .refused && refused.actor.userID == nil)
            #expect(refused.reason != nil)

            let narrow = try await client.post(
                "/v1/completions",
                json: #"{"model":"test-model","prompt":"x"}"#,
                headers: fixture.headers(fixture.narrowKey)
            )
            #expect(narrow.status == .notFound)
            let outOfScope = try #require(await log.all.last)
            #expect(outOfScope.status == 404 && outOfScope.actor.userID == fixture.alice.id && outOfScope.reason == "model_not_found")

            let invalid = try await client.post("/v1/chat/completions", json: #"{"model":"test-model"}"#, headers: fixture.headers(fixture.memberKey))
            #expect(invalid.status == .badRequest)
            #expect(await log.all.last?.status == 400)

            // Other /v1 routes are not inference requests.
            let count = await log.all.count
            _ = try await client.execute(uri: "/v1/models", method: .get, headers: fixture.headers(fixture.memberKey))
            #expect(await log.all.count == count)
        }
        let records = await log.all
        #expect(records.count == before + 4)
        #expect(AuditChain.verify(records) == nil)
        for record in records {
            #expect(!record.exportJSON.canonicalText.contains("zebra-quokka"))
            #expect(!record.exportJSON.canonicalText.contains("hunter2"))
        }
    }

    @Test func aRequestThatCannotBeAuditedIsRefused() async throws {
        let server = try await TestServer()
        let log = try Self.log(server)
        await log.failAppends(true)
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: Self.chat, headers: server.headers())
            #expect(response.status == .serviceUnavailable)
            #expect(try response.openAIError()["code"] as? String == "audit_unavailable")
            #expect(!response.text.contains("Hello"))

            let stream = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true}"#
            let streamed = try await client.post("/v1/chat/completions", json: stream, headers: server.headers())
            let events = streamed.events()
            #expect(events.last != "[DONE]")
            #expect(try parseEvent(try #require(events.last))["error"].map { ($0 as? [String: Any])?["code"] as? String } == "audit_unavailable")

            let change = try await client.post("/admin/v1/teams", json: #"{"name":"ops"}"#, headers: server.headers())
            #expect(change.status == .serviceUnavailable)
            #expect(try change.openAIError()["code"] as? String == "audit_unavailable")
        }
        #expect(await log.all.isEmpty)
    }

    @Test func aStreamIsRecordedBeforeItsEnd() async throws {
        let server = try await TestServer()
        let log = try Self.log(server)
        try await server.test { client in
            let stream = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true}"#
            let response = try await client.post("/v1/chat/completions", json: stream, headers: server.headers())
            #expect(response.events().last == "[DONE]")
            let record = try #require(await log.all.last)
            #expect(record.status == 200 && record.outcome == .success && record.completionTokens == 7)
        }
        #expect(await log.all.count == 1)
    }

    @Test func adminChangesAreRecordedWithBeforeAndAfterButNoSecrets() async throws {
        let fixture = try await PeopleFixture()
        let log = try Self.log(fixture.server)
        let before = await log.all.count
        let secret = try await fixture.server.test { client in
            let headers = fixture.server.headers()
            let created = try await client.post("/admin/v1/keys", json: #"{"name":"ci","user":"alice"}"#, headers: headers)
            #expect(created.status == .created)
            let secret = try #require(try created.json()["secret"] as? String)
            _ = try await client.execute(
                uri: "/admin/v1/users/alice",
                method: .patch,
                headers: headers,
                body: ByteBuffer(string: #"{"disabled":true}"#)
            )
            _ = try await client.execute(uri: "/admin/v1/keys/ci", method: .delete, headers: headers)
            let own = try await client.post("/v1/me/keys", json: #"{"name":"mine"}"#, headers: fixture.headers(fixture.adminInferenceKey))
            #expect(own.status == .created)
            let erin = try await client.post("/admin/v1/users", json: #"{"name":"erin","teams":["research"]}"#, headers: headers)
            #expect(erin.status == .created)
            return secret
        }
        let records = Array(await log.all.dropFirst(before))
        #expect(records.map(\.action) == [.keyCreate, .userUpdate, .keyRevoke, .keyCreate, .userCreate, .teamMemberAdd])
        #expect(records[5].target == fixture.research.id)
        #expect(records[0].actor.userID == User.builtInAdminID && records[0].actor.keyID != nil)
        guard case .object(let before) = records[1].before, case .object(let after) = records[1].after else {
            Issue.record("a user update has no before and after")
            return
        }
        #expect(before["disabled"] == .bool(false) && after["disabled"] == .bool(true))
        #expect(records[2].after.map { "\($0)" }?.contains("revoked_at") == true)
        let key = try #require(try await fixture.server.stores.keys.list().first { $0.name == "ci" })
        for record in records {
            let text = record.exportJSON.canonicalText
            #expect(!text.contains(key.hash.hex) && !text.contains(secret))
            #expect(!text.contains("password"))
        }
        #expect(records[3].actor.keyID != nil)
    }

    @Test func theAuditRouteListsFiltersAndPages() async throws {
        let fixture = try await PeopleFixture()
        try await fixture.server.test { client in
            let headers = fixture.server.headers()
            for _ in 0..<3 {
                _ = try await client.post("/v1/chat/completions", json: Self.chat, headers: fixture.headers(fixture.memberKey))
            }
            let page = try await client.execute(uri: "/admin/v1/audit?action=request&limit=2", method: .get, headers: headers)
            #expect(page.status == .ok)
            let body = try page.json()
            let data = try #require(body["data"] as? [[String: Any]])
            #expect(data.count == 2)
            #expect(data.allSatisfy { $0["action"] as? String == "request" && $0["user_id"] as? String == fixture.alice.id })
            let cursor = try #require(body["next_cursor"] as? String)
            let next = try await client.execute(uri: "/admin/v1/audit?action=request&limit=2&cursor=\(cursor)", method: .get, headers: headers)
            let rest = try #require(try next.json()["data"] as? [[String: Any]])
            #expect(rest.count == 1)
            #expect(try next.json()["next_cursor"] is NSNull)
            let byUser = try await client.execute(uri: "/admin/v1/audit?user=alice&since=2000-01-01", method: .get, headers: headers)
            #expect(try #require(try byUser.json()["data"] as? [[String: Any]]).count >= 3)

            for (query, parameter) in [
                ("limit=0", "limit"), ("limit=x", "limit"), ("since=yesterday", "since"), ("cursor=-1", "cursor"), ("action=Key%20Create", "action"),
            ] {
                let refused = try await client.execute(uri: "/admin/v1/audit?\(query)", method: .get, headers: headers)
                #expect(refused.status == .badRequest, "\(query)")
                #expect(try refused.openAIError()["param"] as? String == parameter)
            }
        }
    }
}
