// Enclave server tests: the admin API, /v1/me, and who may call what.

import EnclaveCore
import EnclaveGateway
import EnclaveServer
import EnclaveTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A test server with a member (alice, in the team `research`) and keys of several shapes.
struct PeopleFixture {
    let server: TestServer
    let alice: User
    let research: Team
    /// alice's inference key.
    let memberKey: String
    /// A key of the built-in admin without the admin scope.
    let adminInferenceKey: String
    let revokedKey: String
    let expiredKey: String
    let disabledUserKey: String
    /// alice's key limited to `other-model`.
    let narrowKey: String

    init() async throws {
        server = try await TestServer(
            backend: ScriptedBackend(models: [.init(id: "test-model"), .init(id: "other-model")]),
            models: ["test-model", "other-model"]
        )
        let administration = IdentityAdministration(stores: server.stores)
        research = try await administration.createTeam(name: "research", weight: 2)
        alice = try await administration.createUser(name: "alice", email: "alice@example.com")
        _ = try await administration.addMember(user: alice.id, team: research.id)
        memberKey = try await administration.createKey(name: "laptop", userID: alice.id).secret.value
        narrowKey = try await administration.createKey(name: "narrow", userID: alice.id, allowedModels: ["other-model"]).secret.value
        adminInferenceKey = try await administration.createKey(name: "plain", userID: User.builtInAdminID).secret.value
        let (revoked, revokedSecret) = try await administration.createKey(name: "gone", userID: alice.id)
        _ = try await administration.revokeKey(revoked.id)
        revokedKey = revokedSecret.value
        // An expired key, stored directly (the administration refuses a past expiry).
        var (expired, expiredSecret) = try APIKey.issue(name: "old", userID: alice.id, at: Date(timeIntervalSince1970: 1_000_000_000))
        expired.expiresAt = Date(timeIntervalSince1970: 1_000_000_060)
        try await server.stores.keys.create(expired)
        expiredKey = expiredSecret.value
        let bob = try await administration.createUser(name: "bob")
        disabledUserKey = try await administration.createKey(name: "k", userID: bob.id).secret.value
        try await administration.updateUser(bob.id, .init(isDisabled: true))
    }

    func headers(_ key: String?) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        if let key { fields[.authorization] = "Bearer \(key)" }
        return fields
    }
}

@Suite struct AdminRoutesTests {
    /// Every admin route, with a body that would succeed for an admin.
    static let adminRoutes: [(HTTPRequest.Method, String, String?)] = [
        (.get, "/admin/v1/users", nil),
        (.post, "/admin/v1/users", #"{"name":"carol"}"#),
        (.get, "/admin/v1/users/alice", nil),
        (.patch, "/admin/v1/users/alice", #"{"email":"a@example.com"}"#),
        (.put, "/admin/v1/users/alice/password", #"{"password":"a long password"}"#),
        (.get, "/admin/v1/teams", nil),
        (.post, "/admin/v1/teams", #"{"name":"ops","weight":3}"#),
        (.get, "/admin/v1/teams/research", nil),
        (.patch, "/admin/v1/teams/research", #"{"weight":4}"#),
        (.put, "/admin/v1/teams/research/members/admin", nil),
        (.delete, "/admin/v1/teams/research/members/alice", nil),
        (.get, "/admin/v1/keys", nil),
        (.post, "/admin/v1/keys", #"{"name":"ci","user":"alice"}"#),
        (.delete, "/admin/v1/keys/laptop", nil),
        (.get, "/admin/v1/usage?by=team", nil),
        (.get, "/admin/v1/audit?action=user.create&limit=5", nil),
    ]

    @Test func everyAdminRouteIsRefusedToAnyoneButAnAdminKey() async throws {
        let fixture = try await PeopleFixture()
        try await fixture.server.test { client in
            for (method, path, body) in Self.adminRoutes {
                let refusals: [(String?, HTTPResponse.Status)] = [
                    (nil, .unauthorized), (fixture.revokedKey, .unauthorized), (fixture.expiredKey, .unauthorized),
                    (fixture.disabledUserKey, .unauthorized), (fixture.memberKey, .forbidden), (fixture.adminInferenceKey, .forbidden),
                ]
                for (key, status) in refusals {
                    let response = try await client.execute(
                        uri: path,
                        method: method,
                        headers: fixture.headers(key),
                        body: body.map { ByteBuffer(string: $0) }
                    )
                    #expect(response.status == status, "\(method) \(path) with \(key.map { String($0.prefix(8)) } ?? "no key")")
                    #expect(try response.openAIError()["code"] != nil)
                }
            }
            // Then an admin key, in order: every route does its work.
            for (method, path, body) in Self.adminRoutes {
                let response = try await client.execute(
                    uri: path,
                    method: method,
                    headers: fixture.server.headers(),
                    body: body.map { ByteBuffer(string: $0) }
                )
                #expect([.ok, .created].contains(response.status), "\(method) \(path): \(response.status) \(response.text)")
            }
        }
    }

    @Test func usersTeamsAndKeysThroughTheAPI() async throws {
        let fixture = try await PeopleFixture()
        try await fixture.server.test { client in
            let headers = fixture.server.headers()
            let created = try await client.post(
                "/admin/v1/users",
                json: #"{"name":"dan","email":"dan@example.com","teams":["research"]}"#,
                headers: headers
            )
            #expect(created.status == .created)
            let dan = try created.json()
            #expect(dan["role"] as? String == "member" && dan["teams"] as? [String] == ["research"])
            #expect(!created.text.contains("password"))

            let duplicate = try await client.post("/admin/v1/users", json: #"{"name":"dan"}"#, headers: headers)
            #expect(duplicate.status == .conflict)
            #expect(try duplicate.openAIError()["param"] as? String == "name")
            let unknownTeam = try await client.post("/admin/v1/users", json: #"{"name":"eve","teams":["nope"]}"#, headers: headers)
            #expect(unknownTeam.status == .notFound)
            #expect(try await fixture.server.stores.identities.user(login: "eve") == nil, "nothing half-made")
            let misspelt = try await client.execute(
                uri: "/admin/v1/users/dan",
                method: .patch,
                headers: headers,
                body: ByteBuffer(string: #"{"disable":true}"#)
            )
            #expect(misspelt.status == .badRequest)
            let message = try misspelt.openAIError()["message"] as? String ?? ""
            #expect(message.contains("unknown field 'disable'"))

            let key = try await client.post(
                "/admin/v1/keys",
                json: #"{"name":"ci","user":"dan","models":["test-model"],"expires_in_days":30}"#,
                headers: headers
            )
            #expect(key.status == .created)
            let keyObject = try key.json()
            let secret = try #require(keyObject["secret"] as? String)
            #expect(keyObject["models"] as? [String] == ["test-model"] && keyObject["expires_at"] != nil)
            let listed = try await client.execute(uri: "/admin/v1/keys?user=dan", method: .get, headers: headers)
            #expect(!listed.text.contains(secret) && listed.text.contains(keyObject["prefix"] as? String ?? "?"))

            let memberAdminKey = try await client.post("/admin/v1/keys", json: #"{"name":"x","user":"dan","scopes":["admin"]}"#, headers: headers)
            #expect(memberAdminKey.status == .forbidden)

            // dan's key works, for its model only.
            let me = try await client.execute(uri: "/v1/me", method: .get, headers: fixture.headers(secret))
            #expect(try me.json()["user"].flatMap { ($0 as? [String: Any])?["name"] as? String } == "dan")
            let models = try await client.execute(uri: "/v1/models", method: .get, headers: fixture.headers(secret))
            #expect(models.text.contains("test-model") && !models.text.contains("other-model"))

            let disabled = try await client.execute(
                uri: "/admin/v1/users/dan",
                method: .patch,
                headers: headers,
                body: ByteBuffer(string: #"{"disabled":true}"#)
            )
            #expect(disabled.status == .ok)
            let refused = try await client.execute(uri: "/v1/me", method: .get, headers: fixture.headers(secret))
            #expect(refused.status == .unauthorized)
            #expect(try refused.openAIError()["code"] as? String == "account_disabled")

            let demoteAdmin = try await client.execute(
                uri: "/admin/v1/users/admin",
                method: .patch,
                headers: headers,
                body: ByteBuffer(string: #"{"role":"member"}"#)
            )
            #expect(demoteAdmin.status == .forbidden)
        }
    }

    @Test func usageIsReportedByDayAndGroupWithNames() async throws {
        let fixture = try await PeopleFixture()
        try await fixture.server.stores.usage.record(
            UsageRecord(
                date: Date(),
                userID: fixture.alice.id,
                teamID: fixture.research.id,
                model: "test-model",
                keyID: "k_1",
                promptTokens: 7,
                completionTokens: 3
            )
        )
        try await fixture.server.test { client in
            let byUser = try await client.execute(uri: "/admin/v1/usage", method: .get, headers: fixture.server.headers())
            let lines = try #require(try byUser.json()["data"] as? [[String: Any]])
            #expect(lines.count == 1)
            #expect(lines.first?["name"] as? String == "alice" && lines.first?["total_tokens"] as? Int == 10)
            let byTeam = try await client.execute(uri: "/admin/v1/usage?by=team", method: .get, headers: fixture.server.headers())
            #expect(try (byTeam.json()["data"] as? [[String: Any]])?.first?["name"] as? String == "research")
            let bad = try await client.execute(uri: "/admin/v1/usage?since=yesterday", method: .get, headers: fixture.server.headers())
            #expect(bad.status == .badRequest)
            #expect(try bad.openAIError()["param"] as? String == "since")
            let me = try await client.execute(uri: "/v1/me", method: .get, headers: fixture.headers(fixture.memberKey))
            let usage = try #require(try me.json()["usage"] as? [String: Any])
            #expect(usage["requests"] as? Int == 1 && usage["completion_tokens"] as? Int == 3)
        }
    }

    @Test func declaredEntitiesAreReadOnlyWithManagedByConfig() async throws {
        let fixture = try await PeopleFixture()
        let administration = IdentityAdministration(stores: fixture.server.stores)
        var declared = try await administration.createTeam(name: "declared", managedBy: "/etc/enclave/enclave.yaml")
        declared.weight = 2
        try await fixture.server.test { client in
            let response = try await client.execute(
                uri: "/admin/v1/teams/declared",
                method: .patch,
                headers: fixture.server.headers(),
                body: ByteBuffer(string: #"{"weight":9}"#)
            )
            #expect(response.status == .conflict)
            let error = try response.openAIError()
            #expect(error["code"] as? String == "managed_by_config")
            #expect((error["message"] as? String ?? "").contains("/etc/enclave/enclave.yaml"))
        }
        #expect(try await fixture.server.stores.identities.team(named: "declared")?.weight == 1)
    }

    @Test func membersManageTheirOwnKeysAndNoMore() async throws {
        let fixture = try await PeopleFixture()
        try await fixture.server.test { client in
            let mine = fixture.headers(fixture.memberKey)
            let me = try await client.execute(uri: "/v1/me", method: .get, headers: mine)
            #expect(me.status == .ok)
            let user = try #require(try me.json()["user"] as? [String: Any])
            #expect(user["name"] as? String == "alice" && user["teams"] as? [String] == ["research"])

            let created = try await client.post("/v1/me/keys", json: #"{"name":"phone"}"#, headers: mine)
            #expect(created.status == .created)
            let phone = try #require(try created.json()["id"] as? String)
            let escalate = try await client.post("/v1/me/keys", json: #"{"name":"sneaky","scopes":["admin"]}"#, headers: mine)
            #expect(escalate.status == .forbidden)
            let metrics = try await client.post("/v1/me/keys", json: #"{"name":"sneaky","scopes":["metrics"]}"#, headers: mine)
            #expect(metrics.status == .forbidden)
            let forOther = try await client.post("/v1/me/keys", json: #"{"name":"x","user":"admin"}"#, headers: mine)
            #expect(forOther.status == .badRequest)

            // A narrow key can only make keys as narrow as itself.
            let narrow = fixture.headers(fixture.narrowKey)
            let wider = try await client.post("/v1/me/keys", json: #"{"name":"wide","models":["test-model"]}"#, headers: narrow)
            #expect(wider.status == .forbidden)
            let inherited = try await client.post("/v1/me/keys", json: #"{"name":"inherits"}"#, headers: narrow)
            #expect(try inherited.json()["models"] as? [String] == ["other-model"])

            let list = try await client.execute(uri: "/v1/me/keys", method: .get, headers: mine)
            let names = try #require(try list.json()["data"] as? [[String: Any]]).compactMap { $0["name"] as? String }
            #expect(Set(names) == ["laptop", "narrow", "phone", "inherits", "old"], "active keys, expired ones included")

            // Another user's key is not found, even by id.
            let adminKeyID = try #require(try await fixture.server.stores.keys.list(ownedBy: User.builtInAdminID).first?.id)
            let stealing = try await client.execute(uri: "/v1/me/keys/\(adminKeyID)", method: .delete, headers: mine)
            #expect(stealing.status == .notFound)
            let revoked = try await client.execute(uri: "/v1/me/keys/\(phone)", method: .delete, headers: mine)
            #expect(revoked.status == .ok)
        }
    }

    @Test func aKeyUsesOnlyItsModelsAndLearnsNothingOfTheOthers() async throws {
        let fixture = try await PeopleFixture()
        try await fixture.server.test { client in
            let narrow = fixture.headers(fixture.narrowKey)
            let body = #"{"model":"test-model","messages":[{"role":"user","content":"hi"}]}"#
            let refused = try await client.post("/v1/chat/completions", json: body, headers: narrow)
            #expect(refused.status == .notFound)
            #expect(try refused.openAIError()["code"] as? String == "model_not_found")
            let hidden = try await client.execute(uri: "/v1/models/test-model", method: .get, headers: narrow)
            #expect(hidden.status == .notFound)
            let allowed = try await client.post(
                "/v1/chat/completions",
                json: body.replacingOccurrences(of: "test-model", with: "other-model"),
                headers: narrow
            )
            #expect(allowed.status == .ok)
        }
    }

    /// Every route the router knows answers 401 without a credential, except the health checks, the
    /// root page (a static page that says what the server is; the web UI's login page will live there) and
    /// `POST /auth/login`, which must be reachable anonymously: it is how a browser gets a credential.
    @Test func everyRouteButHealthAndTheRootPageNeedsAuthentication() async throws {
        let server = try await TestServer()
        let gateway = InferenceGateway(backend: server.backend, models: ["test-model"], limits: .init())
        let router = buildRouter(configuration: server.configuration, gateway: gateway, stores: server.stores, metrics: server.metrics)
        let open: Set<String> = ["/healthz", "/readyz", "/", "/auth/login"]
        let routes = router.routes.map { (method: $0.method, path: $0.path.description) }
        #expect(routes.count > 20)
        try await server.test { client in
            for route in routes {
                let path =
                    "/"
                    + route.path.split(separator: "/").map { $0.hasPrefix("{") || $0.contains("*") ? "probe" : $0 }
                    .joined(separator: "/")
                let response = try await client.execute(uri: path, method: route.method, headers: [.contentType: "application/json"])
                if open.contains(path) {
                    #expect(response.status != .unauthorized, "\(route)")
                } else {
                    #expect(response.status == .unauthorized, "\(route) answered \(response.status) without a credential")
                }
            }
        }
    }
}
