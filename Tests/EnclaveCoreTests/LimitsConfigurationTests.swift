// Enclave: tests of the limit policies in the configuration.

import EnclaveCore
import Foundation
import Testing

@Suite struct LimitsConfigurationTests {
    func parse(_ yaml: String) throws -> EnclaveConfiguration {
        try EnclaveConfiguration(yaml: yaml, source: "test.yaml", environment: ["RPM": "30"])
    }

    func failure(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func policiesAreReadForKeysUsersAndTeams() throws {
        let configuration = try parse(
            """
            limits:
              queue_length: 8
              per_key:
                requests_per_minute: ${RPM}
                tokens_per_minute: 10_000
              per_user:
                requests_per_minute: 20
                tokens_per_day: 200000
                tokens_per_month: ~
              per_team:
                tokens_per_month: 5000000
            """
        )
        let limits = configuration.limits
        #expect(limits.queueLength == 8)
        #expect(limits.perKey == LimitPolicy(requestsPerMinute: 30, tokensPerMinute: 10_000))
        #expect(limits.perUser == LimitPolicy(requestsPerMinute: 20, tokensPerDay: 200_000))
        #expect(limits.perTeam == LimitPolicy(tokensPerMonth: 5_000_000))
        let account = UsageAccount(userID: "u", teamID: "t", keyID: "k", model: "m")
        #expect(
            limits.subjects(for: account) == [
                LimitedSubject(.key("k"), policy: limits.perKey), LimitedSubject(.user("u"), policy: limits.perUser),
                LimitedSubject(.team("t"), policy: limits.perTeam),
            ]
        )
    }

    @Test func withoutPoliciesNothingIsLimited() throws {
        let limits = try parse("limits:\n  per_user: ~\n").limits
        #expect(limits.perKey.isUnlimited && limits.perUser.isUnlimited && limits.perTeam.isUnlimited)
        #expect(try parse("").limits.perTeam == .unlimited)
        #expect(LimitsConfiguration().subjects(for: UsageAccount(userID: "u", model: "m")) == [LimitedSubject(.user("u"), policy: .unlimited)])
    }

    @Test func anUnknownPolicyKeyNamesTheFileLineAndKnownKeys() throws {
        let error = try #require(failure("limits:\n  per_user:\n    requests_per_minute: 5\n    tokens_per_hour: 9\n"))
        #expect(error.code == .unknownKey)
        #expect(error.line == 4)
        #expect(error.key == "limits.per_user.tokens_per_hour")
        #expect(error.description.hasPrefix("test.yaml:4: limits.per_user.tokens_per_hour: unknown key"))
        #expect(error.problem.contains("requests_per_minute, tokens_per_minute, tokens_per_day, tokens_per_month"))
    }

    @Test func keysHaveRatesButNoBudgets() throws {
        let error = try #require(failure("limits:\n  per_key:\n    tokens_per_day: 5\n"))
        #expect(error.code == .unknownKey)
        #expect(error.key == "limits.per_key.tokens_per_day")
        #expect(error.line == 3)
        #expect(error.problem.contains("known keys here: requests_per_minute, tokens_per_minute)"))
    }

    @Test(arguments: [
        ("limits:\n  per_team:\n    tokens_per_day: 0\n", "limits.per_team.tokens_per_day", 3),
        ("limits:\n  per_team:\n    tokens_per_day: -5\n", "limits.per_team.tokens_per_day", 3),
        ("limits:\n  per_user:\n    requests_per_minute: lots\n", "limits.per_user.requests_per_minute", 3),
        ("limits:\n  per_user:\n\n    tokens_per_minute: 1.5\n", "limits.per_user.tokens_per_minute", 4),
        ("limits:\n  per_key: 60\n", "limits.per_key", 2),
    ])
    func invalidValuesNameTheKeyAndLine(yaml: String, key: String, line: Int) throws {
        let error = try #require(failure(yaml))
        #expect(error.code == .invalidValue)
        #expect(error.key == key)
        #expect(error.line == line)
    }

    @Test func theExampleFileDocumentsThePolicies() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("enclave.example.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let configuration = try EnclaveConfiguration.load(path: path, environment: [:])
        #expect(configuration.limits.perKey.isUnlimited && configuration.limits.perUser.isUnlimited && configuration.limits.perTeam.isUnlimited)
        for key in ["per_key:", "per_user:", "per_team:", "requests_per_minute:", "tokens_per_minute:", "tokens_per_day:", "tokens_per_month:"] {
            #expect(text.contains(key), "enclave.example.yaml does not mention \(key)")
        }
    }
}
