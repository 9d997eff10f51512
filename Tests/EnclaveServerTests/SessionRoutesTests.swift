// Enclave server tests: password logins, session cookies, CSRF, expiry, lockout and password changes.

import EnclaveCore
import EnclaveServer
import EnclaveTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import NIOCore
import Synchronization
import Testing

/// Keeps every login event, for the tests to read.
final class RecordingLoginEvents: LoginEventSink {
    private let events = Mutex<[LoginEvent]>([])
    var recorded: [LoginEvent] { events.withLock { $0 } }
    func record(_ event: LoginEvent) async { events.withLock { $0.append(event) } }
}

/// A server with alice (a member with a password, in `research`) and root (an admin with a password), a
/// manual wall clock, cheap bcrypt and a small lockout policy.
struct SessionFixture {
    static let alicePassword = "correct horse battery"
    static let rootPassword = "staple of the admins"

    let server: TestServer
    let clock = ManualWallClock()
    let events = RecordingLoginEvents()
    let sessions: SessionAuthenticator
    let alice: User
    let root: User
    let aliceKey: String

    init(settings: SessionSettings = SessionSettings(), lockout: LoginThrottle.Policy = .init(threshold: 3, addressThreshold: 6)) async throws {
        server = try await TestServer()
        sessions = SessionAuthenticator(
            stores: server.stores,
            settings: settings,
            key: .generate(),
            hasher: PasswordHasher(cost: 4),
            lockout: lockout,
            events: events,
            wallClock: clock
        )
        let administration = IdentityAdministration(stores: server.stores, wallClock: clock)
        let research = try await administration.createTeam(name: "research")
        alice = try await administration.createUser(name: "alice", email: "alice@example.com")
        _ = try await administration.addMember(user: alice.id, team: research.id)
        root = try await administration.createUser(name: "root", role: .admin)
        try await administration.setPassword(Self.alicePassword, of: alice.id, hasher: sessions.hasher)
        try await administration.setPassword(Self.rootPassword, of: root.id, hasher: sessions.hasher)
        aliceKey = try await administration.createKey(name: "laptop", userID: alice.id).secret.value
    }

    func test<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let handler = server.logs
        var logger = Logger(label: "enclave-test") { _ in handler }
        logger.logLevel = .debug
        let app = buildApplication(
            configuration: server.configuration,
            backend: server.backend,
            stores: server.stores,
            metrics: server.metrics,
            sessions: sessions,
            logger: logger
        )
        return try await app.test(.router, body)
    }
}

/// A logged-in browser: its cookie and CSRF token.
struct Browser {
    var cookie: String
    var csrf: String

    func headers(csrf withCSRF: Bool = false) -> HTTPFields {
        var fields: HTTPFields = [.cookie: "enclave_session=\(cookie)", .contentType: "application/json"]
        if withCSRF { fields[HTTPField.Name("X-CSRF-Token")!] = csrf }
        return fields
    }
}

extension TestClientProtocol {
    func login(_ login: String, _ password: String) async throws -> TestResponse {
        let body = try JSONSerialization.data(withJSONObject: ["login": login, "password": password])
        return try await execute(
            uri: "/auth/login",
            method: .post,
            headers: [.contentType: "application/json"],
            body: ByteBuffer(bytes: body)
        )
    }

    func browser(_ login: String, _ password: String) async throws -> Browser {
        let response = try await self.login(login, password)
        #expect(response.status == .ok, "login: \(response.status) \(response.text)")
        let setCookie = try #require(response.headers[.setCookie])
        let value = try #require(setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init))
        return Browser(cookie: value, csrf: try #require(try response.json()["csrf_token"] as? String))
    }
}

@Suite struct SessionRoutesTests {
    @Test func aLoginSetsAHardenedCookieAndAnswersWithTheUserAndACSRFToken() async throws {
        let fixture = try await SessionFixture()
        try await fixture.test { client in
            let response = try await client.login("alice@example.com", SessionFixture.alicePassword)
            #expect(response.status == .ok)
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.hasPrefix("enclave_session="))
            for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] { #expect(cookie.contains(flag), "\(flag)") }
            #expect(!cookie.contains("Secure"))
            let body = try response.json()
            #expect((body["user"] as? [String: Any])?["name"] as? String == "alice")
            #expect((body["user"] as? [String: Any])?["teams"] as? [String] == ["research"])
            #expect((body["csrf_token"] as? String)?.isEmpty == false)
            #expect(!response.text.contains(SessionFixture.alicePassword) && !response.text.contains("$2b$"))
        }
        let stored = try await fixture.server.stores.sessions.sessions(ofUser: fixture.alice.id)
        #expect(stored.count == 1)
        #expect(fixture.events.recorded.map(\.kind) == [.login])
        #expect(fixture.events.recorded.first?.sessionID == stored.first?.id)
    }

    @Test func theCookieIsSecureWhenConfigured() async throws {
        let fixture = try await SessionFixture(settings: SessionSettings(idleMinutes: 10, absoluteHours: 2, secureCookie: true))
        try await fixture.test { client in
            let cookie = try #require(try await client.login("alice", SessionFixture.alicePassword).headers[.setCookie])
            #expect(cookie.contains("; Secure") && cookie.contains("Max-Age=7200"))
        }
    }

    @Test func aWrongPasswordAndAnUnknownUserGetTheSameAnswer() async throws {
        let fixture = try await SessionFixture()
        try await fixture.test { client in
            let wrong = try await client.login("alice", "not the password")
            let unknown = try await client.login("nobody", "not the password")
            for response in [wrong, unknown] {
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
                #expect(try response.openAIError()["code"] as? String == "invalid_credentials")
            }
            #expect(NSDictionary(dictionary: try wrong.json()).isEqual(to: try unknown.json()), "the same body, field for field")
            let notJSON = try await client.execute(
                uri: "/auth/login",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "login=alice&password=x")
            )
            #expect(notJSON.status.code == 415)
            let missing = try await client.post("/auth/login", json: #"{"login":"alice"}"#, headers: [.contentType: "application/json"])
            #expect(missing.status == .badRequest)
        }
        #expect(fixture.events.recorded.map(\.kind) == [.loginFailed, .loginFailed])
        #expect(fixture.events.recorded.map(\.userID) == [fixture.alice.id, nil])
    }

    @Test func theCookieOpensTheAPIAndTheAdminAPIByRole() async throws {
        let fixture = try await SessionFixture()
        try await fixture.test { client in
            let alice = try await client.browser("alice", SessionFixture.alicePassword)
            let models = try await client.execute(uri: "/v1/models", method: .get, headers: alice.headers())
            #expect(models.status == .ok)
            let me = try await client.execute(uri: "/v1/me", method: .get, headers: alice.headers())
            let credential = try #require(try me.json()["credential"] as? [String: Any])
            #expect(credential["type"] as? String == "session" && credential["scopes"] as? [String] == ["inference"])
            let admin = try await client.execute(uri: "/admin/v1/users", method: .get, headers: alice.headers())
            #expect(admin.status == .forbidden)

            let root = try await client.browser("root", SessionFixture.rootPassword)
            let users = try await client.execute(uri: "/admin/v1/users", method: .get, headers: root.headers())
            #expect(users.status == .ok)
            let whoami = try await client.execute(uri: "/auth/session", method: .get, headers: root.headers())
            #expect(try whoami.json()["csrf_token"] as? String == root.csrf)

            let forged = Browser(cookie: alice.cookie.replacingOccurrences(of: ".", with: ".x"), csrf: alice.csrf)
            let refused = try await client.execute(uri: "/v1/models", method: .get, headers: forged.headers())
            #expect(refused.status == .unauthorized)
            #expect(try refused.openAIError()["code"] as? String == "invalid_session")
        }
    }

    @Test func stateChangingRequestsWithACookieNeedTheCSRFToken() async throws {
        let fixture = try await SessionFixture()
        try await fixture.test { client in
            let alice = try await client.browser("alice", SessionFixture.alicePassword)
            let withoutToken = try await client.post("/v1/me/keys", json: #"{"name":"phone"}"#, headers: alice.headers())
            #expect(withoutToken.status == .forbidden)
            #expect(try withoutToken.openAIError()["code"] as? String == "csrf_failed")
            var wrong = alice.headers(csrf: true)
            wrong[HTTPField.Name("X-CSRF-Token")!] = String(alice.csrf.reversed())
            #expect(try await client.post("/v1/me/keys", json: #"{"name":"phone"}"#, headers: wrong).status == .forbidden)
            let withToken = try await client.post("/v1/me/keys", json: #"{"name":"phone"}"#, headers: alice.headers(csrf: true))
            #expect(withToken.status == .created)
            // A bearer key needs no CSRF token.
            let keyed = try await client.post(
                "/v1/me/keys",
                json: #"{"name":"tablet"}"#,
                headers: [.authorization: "Bearer \(fixture.aliceKey)", .contentType: "application/json"]
            )
            #expect(keyed.status == .created)
            let logoutWithout = try await client.execute(uri: "/auth/logout", method: .post, headers: alice.headers())
            #expect(logoutWithout.status == .forbidden)
        }
        #expect(try await fixture.server.stores.keys.list(ownedBy: fixture.alice.id).map(\.name).sorted() == ["laptop", "phone", "tablet"])
    }

    @Test func logoutEndsTheSessionAndClearsTheCookie() async throws {
        let fixture = try await SessionFixture()
        try await fixture.test { client in
            let alice = try await client.browser("alice", SessionFixture.alicePassword)
            let logout = try await client.execute(uri: "/auth/logout", method: .post, headers: alice.headers(csrf: true))
            #expect(logout.status == .noContent)
            let cleared = try #require(logout.headers[.setCookie])
            #expect(cleared.hasPrefix("enclave_session=;") && cleared.contains("Max-Age=0"))
            let after = try await client.execute(uri: "/v1/me", method: .get, headers: alice.headers())
            #expect(after.status == .unauthorized)
            let keyed = try await client.execute(uri: "/auth/session", method: .get, headers: [.authorization: "Bearer \(fixture.aliceKey)"])
            #expect(keyed.status == .badRequest)
        }
        #expect(try await fixture.server.stores.sessions.sessions(ofUser: fixture.alice.id).isEmpty)
        #expect(fixture.events.recorded.map(\.kind) == [.login, .logout])
    }

    @Test func sessionsExpireWhenIdleAndAtTheirAbsoluteLimit() async throws {
        let fixture = try await SessionFixture(settings: SessionSettings(idleMinutes: 30, absoluteHours: 2))
        try await fixture.test { client in
            let alice = try await client.browser("alice", SessionFixture.alicePassword)
            // Used every 29 minutes, it lives until its absolute limit of 2 hours.
            for _ in 0..<4 {
                fixture.clock.advance(by: 29 * 60)
                #expect(try await client.execute(uri: "/v1/me", method: .get, headers: alice.headers()).status == .ok)
            }
            fixture.clock.advance(by: 4 * 60 + 1)
            let old = try await client.execute(uri: "/v1/me", method: .get, headers: alice.headers())
            #expect(old.status == .unauthorized)
            #expect(try old.openAIError()["code"] as? String == "invalid_session")

            let again = try await client.browser("alice", SessionFixture.alicePassword)
            fixture.clock.advance(by: 30 * 60)
            #expect(try await client.execute(uri: "/v1/me", method: .get, headers: again.headers()).status == .unauthorized)
        }
    }

    @Test func aDisabledUsersSessionStopsAtOnce() async throws {
        let fixture = try await SessionFixture()
        try await fixture.test { client in
            let alice = try await client.browser("alice", SessionFixture.alicePassword)
            #expect(try await client.execute(uri: "/v1/me", method: .get, headers: alice.headers()).status == .ok)
            try await IdentityAdministration(stores: fixture.server.stores).updateUser("alice", .init(isDisabled: true))
            let refused = try await client.execute(uri: "/v1/me", method: .get, headers: alice.headers())
            #expect(refused.status == .unauthorized)
            #expect(try refused.openAIError()["code"] as? String == "account_disabled")
            let login = try await client.login("alice", SessionFixture.alicePassword)
            #expect(login.status == .unauthorized, "a disabled user cannot log in, and is told nothing more")
        }
        #expect(fixture.events.recorded.last?.reason == "disabled")
    }

    @Test func repeatedFailuresLockTheAccountWithRetryAfter() async throws {
        let fixture = try await SessionFixture(lockout: .init(threshold: 3, addressThreshold: 100, baseDelay: 2, maximumDelay: 60))
        try await fixture.test { client in
            for _ in 0..<3 { #expect(try await client.login("alice", "wrong password").status == .unauthorized) }
            let locked = try await client.login("alice", SessionFixture.alicePassword)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] == "2")
            #expect(try locked.openAIError()["code"] as? String == "login_locked")
            #expect(try await client.login("root", SessionFixture.rootPassword).status == .ok, "other accounts are not locked")
            fixture.clock.advance(by: 2)
            #expect(try await client.login("alice", SessionFixture.alicePassword).status == .ok, "the lockout has passed; success resets")
            #expect(try await client.login("alice", "wrong password").status == .unauthorized)
            #expect(try await client.login("alice", "wrong password").status == .unauthorized)
            #expect(try await client.login("alice", SessionFixture.alicePassword).status == .ok)
        }
        let kinds = fixture.events.recorded.map(\.kind)
        #expect(kinds.filter { $0 == .lockout }.count == 1 && kinds.contains(.lockedOutAttempt))
    }

    @Test func repeatedFailuresFromAnAddressLockItOutOfEveryAccount() async throws {
        let fixture = try await SessionFixture(lockout: .init(threshold: 10, addressThreshold: 4, baseDelay: 5, maximumDelay: 60))
        try await fixture.test { client in
            for name in ["a1", "a2", "a3", "a4"] { #expect(try await client.login(name, "guess guess").status == .unauthorized) }
            let locked = try await client.login("alice", SessionFixture.alicePassword)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] == "5")
        }
        #expect(fixture.events.recorded.last?.reason == "address_locked")
    }

    @Test func passwordsAreSetByAdminsAndChangedByTheirOwners() async throws {
        let fixture = try await SessionFixture()
        try await fixture.test { client in
            let alice = try await client.browser("alice", SessionFixture.alicePassword)
            let other = try await client.browser("alice", SessionFixture.alicePassword)
            let wrongCurrent = try await client.execute(
                uri: "/v1/me/password",
                method: .put,
                headers: alice.headers(csrf: true),
                body: ByteBuffer(string: #"{"current_password":"not it at all","password":"a brand new one"}"#)
            )
            #expect(wrongCurrent.status == .forbidden)
            let tooShort = try await client.execute(
                uri: "/v1/me/password",
                method: .put,
                headers: alice.headers(csrf: true),
                body: ByteBuffer(string: #"{"current_password":"correct horse battery","password":"short"}"#)
            )
            #expect(tooShort.status == .badRequest)
            #expect(try tooShort.openAIError()["param"] as? String == "password")
            let changed = try await client.execute(
                uri: "/v1/me/password",
                method: .put,
                headers: alice.headers(csrf: true),
                body: ByteBuffer(string: #"{"current_password":"correct horse battery","password":"a brand new one"}"#)
            )
            #expect(changed.status == .ok)
            #expect(!changed.text.contains("brand new") && !changed.text.contains("$2b$"))
            #expect(try await client.execute(uri: "/v1/me", method: .get, headers: alice.headers()).status == .ok, "this session stays")
            #expect(try await client.execute(uri: "/v1/me", method: .get, headers: other.headers()).status == .unauthorized, "others end")
            #expect(try await client.login("alice", SessionFixture.alicePassword).status == .unauthorized)
            #expect(try await client.login("alice", "a brand new one").status == .ok)

            let root = try await client.browser("root", SessionFixture.rootPassword)
            let reset = try await client.execute(
                uri: "/admin/v1/users/alice/password",
                method: .put,
                headers: root.headers(csrf: true),
                body: ByteBuffer(string: #"{"password":"set by the admin"}"#)
            )
            #expect(reset.status == .ok)
            #expect(try await client.execute(uri: "/v1/me", method: .get, headers: alice.headers()).status == .unauthorized)
            let byMember = try await client.execute(
                uri: "/admin/v1/users/root/password",
                method: .put,
                headers: [.authorization: "Bearer \(fixture.aliceKey)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"password":"taking over root"}"#)
            )
            #expect(byMember.status == .forbidden)
            #expect(try await client.login("alice", "set by the admin").status == .ok)
        }
        let logged = fixture.server.logs.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        for secret in [SessionFixture.alicePassword, "a brand new one", "set by the admin", "$2b$"] {
            #expect(!logged.contains(secret), "\(secret) in the log")
        }
    }
}
