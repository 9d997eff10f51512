// Enclave: tests of the teams, users and keys of a configuration file, and of `enclave config validate`.

import EnclaveCore
import Foundation
import Testing

@Suite struct ConfigurationValidatorTests {
    static let hash = "$2b$12$" + String(repeating: "N", count: 53)
    static let keyHash = "sha256:" + String(repeating: "ab", count: 32)

    func problems(_ yaml: String, environment: [String: String] = [:]) -> [ConfigurationError] {
        ConfigurationValidator.problems(yaml: yaml, source: "test.yaml", environment: environment)
    }

    @Test func aValidFileDeclaresTeamsUsersAndKeys() throws {
        let secret = APIKeySecret.generate()
        let yaml = """
            models:
              - id: smollm2
                file: models/smollm2.gguf
            teams:
              - name: research
                weight: 3
            users:
              - name: alice
                email: alice@example.com
                role: member
                teams: [research]
                password_hash: "\(Self.hash)"
              - name: bob
                role: admin
                password: ${BOB_PASSWORD}
            keys:
              - name: ci
                user: alice
                secret: ${CI_KEY}
                models: [smollm2]
                scopes: [inference]
                expires: 2027-01-01
              - name: scraper
                user: admin
                hash: "\(Self.keyHash)"
                scopes: [metrics]
            """
        let environment = ["BOB_PASSWORD": "a long password", "CI_KEY": secret.value]
        #expect(problems(yaml, environment: environment).isEmpty)
        let identities = try EnclaveConfiguration(yaml: yaml, source: "test.yaml", environment: environment).identities
        #expect(identities.teams == [DeclaredTeam(name: "research", weight: 3, location: DeclarationLocation(line: 5, column: 5))])
        #expect(identities.users.map(\.name) == ["alice", "bob"])
        #expect(identities.users[0].teams == ["research"] && identities.users[0].password == .hash(Self.hash))
        #expect(identities.users[1].role == .admin && identities.users[1].password == .plain("a long password"))
        #expect(!"\(identities.users[1])".contains("a long password"), "a declared password never prints")
        let ci = identities.keys[0]
        #expect(ci.hash == secret.hash && ci.prefix == secret.displayPrefix && ci.allowedModels == ["smollm2"] && ci.user == "alice")
        #expect(ci.expiresAt == Date(timeIntervalSince1970: 1_798_761_600))
        #expect(identities.keys[1].hash.text == Self.keyHash && identities.keys[1].scopes == [.metrics] && identities.keys[1].user == "admin")
    }

    @Test func everyProblemIsReportedWithItsLineAndColumn() {
        let yaml = """
            models:
              - file: models/smollm2.gguf
            teams:
              - name: research
              - name: research
                colour: blue
            users:
              - name: alice
                teams: [research, sales]
                password_hash: "$2b$12$tooshort"
              - name: admin
              - name: bob
                email: not-an-address
                password: ${UNSET_PASSWORD}
            keys:
              - name: ci
                user: carol
                hash: "sha256:1234"
                models: [gpt-4]
              - name: ops
                user: alice
                secret: enc-notlongenough
                scopes: [inference, admin, root]
            """
        let found = problems(yaml)
        let located = found.map { "\($0.line ?? 0):\($0.column ?? 0) \($0.key ?? "")" }
        #expect(
            located == [
                "5:11 teams[1].name", "6:5 teams[1].colour", "9:23 users[0].teams", "10:20 users[0].password_hash",
                "11:11 users[1].name", "13:12 users[2].email", "14:15 users[2].password", "17:11 keys[0].user", "18:11 keys[0].hash",
                "19:14 keys[0].models", "22:13 keys[1].secret", "23:13 keys[1].scopes", "23:32 keys[1].scopes",
            ],
            "\(found.map(\.diagnostic).joined(separator: "\n"))"
        )
        let text = found.map(\.diagnostic).joined(separator: "\n")
        #expect(text.contains("test.yaml:9:23: users[0].teams: the team 'sales' is not declared"))
        #expect(text.contains("UNSET_PASSWORD is not set"))
        #expect(text.contains("'gpt-4' is not declared under models: (declared: smollm2)"))
        #expect(text.contains("unknown scope 'root'") && text.contains("'alice' is a member"))
        #expect(!text.contains("enc-notlongenough"), "a secret is never quoted")
    }

    @Test func problemsOutsideTheIdentitiesAreReportedToo() {
        let found = problems("listen:\n  port: many\nusers:\n  - name: alice\n    role: boss\n")
        #expect(found.map(\.line) == [2, 5])
        #expect(found[0].diagnostic.hasPrefix("test.yaml:2:9: listen.port:"))
    }

    @Test func aSyntaxErrorHasALineAndAColumn() {
        let found = problems("teams:\n  - name: [unclosed\n")
        #expect(found.count == 1 && found[0].code == .syntax && found[0].line != nil && found[0].column != nil)
    }

    @Test func serveReadsTheFirstProblemAsBefore() {
        #expect(throws: ConfigurationError.self) {
            try EnclaveConfiguration(yaml: "keys:\n  - name: ci\n", source: "test.yaml", environment: [:])
        }
    }

    @Test func theCLIsStorageCommandsCanSkipTheDeclarations() throws {
        let yaml = "storage:\n  data_dir: /srv/enclave\nkeys:\n  - name: ci\n    user: admin\n    secret: ${UNSET_CI_KEY}\n"
        #expect(throws: ConfigurationError.self) { try EnclaveConfiguration(yaml: yaml, environment: [:]) }
        let configuration = try EnclaveConfiguration(yaml: yaml, environment: [:], readingDeclarations: false)
        #expect(configuration.storage.dataDirectory == "/srv/enclave" && configuration.identities.isEmpty)
    }

    @Test func usersAndTeamsMayHaveLimitsOfTheirOwn() throws {
        let yaml = """
            limits:
              per_user: {requests_per_minute: 10}
            teams:
              - name: research
                limits: {tokens_per_day: 5000}
            users:
              - name: alice
                limits:
                  requests_per_minute: 100
                  tokens_per_month: 90000
              - name: bob
                limits: {tokens_per_week: 1}
            """
        let found = problems(yaml)
        #expect(found.map { "\($0.line ?? 0):\($0.column ?? 0) \($0.key ?? "")" } == ["12:14 users[1].limits.tokens_per_week"])
        var identities = try EnclaveConfiguration(yaml: yaml.replacingOccurrences(of: "tokens_per_week", with: "tokens_per_day"), environment: [:])
            .identities
        #expect(identities.teams[0].limits == LimitPolicy(tokensPerDay: 5000))
        #expect(identities.users[0].limits == LimitPolicy(requestsPerMinute: 100, tokensPerMonth: 90000))
        identities.users[1].limits = nil

        var limits = LimitsConfiguration(perUser: LimitPolicy(requestsPerMinute: 10), perTeam: LimitPolicy(tokensPerDay: 1))
        limits.overrides = [.user("usr_alice"), .team("team_research")].reduce(into: [:]) { overrides, subject in
            overrides[subject] = subject.kind == .user ? identities.users[0].limits : identities.teams[0].limits
        }
        let alice = limits.subjects(for: UsageAccount(userID: "usr_alice", teamID: "team_research", model: "m"))
        #expect(alice.map(\.policy) == [LimitPolicy(requestsPerMinute: 100, tokensPerMonth: 90000), LimitPolicy(tokensPerDay: 5000)])
        let bob = limits.subjects(for: UsageAccount(userID: "usr_bob", teamID: "team_ops", model: "m"))
        #expect(bob.map(\.policy) == [LimitPolicy(requestsPerMinute: 10), LimitPolicy(tokensPerDay: 1)], "the others keep the defaults")
    }

    @Test func theFileIsReadFromDisk() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-validate-\(UUID().uuidString).yaml").path
        try "teams:\n  - name: ops\n    weight: 0\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let found = ConfigurationValidator.problems(path: path, environment: [:])
        #expect(found.map(\.diagnostic) == ["\(path):3:13: teams[0].weight: expected an integer from 1 to 1000, got '0'"])
        #expect(ConfigurationValidator.problems(path: path + ".missing", environment: [:]).first?.code == .unreadable)
    }

    @Test func keyHashTextRoundTrips() {
        let secret = APIKeySecret.generate()
        #expect(KeyHash(text: secret.hash.text) == secret.hash)
        #expect(KeyHash(text: secret.hash.text.uppercased().replacingOccurrences(of: "SHA256:", with: "sha256:")) == secret.hash)
        #expect(KeyHash(text: secret.hash.hex) == nil && KeyHash(text: "sha256:zz") == nil)
    }

    @Test(arguments: [
        ("$2b$12$" + String(repeating: "N", count: 53), true), ("$2a$04$" + String(repeating: ".", count: 53), true),
        ("$2y$31$" + String(repeating: "/", count: 53), true), ("$2b$03$" + String(repeating: "N", count: 53), false),
        ("$2x$12$" + String(repeating: "N", count: 53), false), ("$2b$12$" + String(repeating: "N", count: 52), false),
        ("$2b$12$" + String(repeating: "N", count: 52) + "!", false),
    ])
    func bcryptHashesAreRecognised(hash: String, valid: Bool) {
        #expect((BcryptHash.problem(with: hash) == nil) == valid)
    }
}
