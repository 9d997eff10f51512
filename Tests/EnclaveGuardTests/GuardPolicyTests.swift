// Enclave guardrails tests: policies, their validation and the built-in ones.

import EnclaveGuard
import Testing

@Suite struct GuardPolicyTests {
    @Test func builtInPoliciesAreValid() throws {
        for policy in GuardPolicy.builtIn.values { try policy.validate() }
        #expect(GuardPolicy.builtIn.keys.sorted() == ["off", "standard", "strict"])
    }

    @Test func standardRedactsSecretsBothWaysAndPseudonymisesPII() {
        let policy = GuardPolicy.standard
        #expect(policy.redaction == .pseudonymise)
        #expect(policy.rule(for: .secret) == GuardRule(both: .redact))
        for entity in [GuardEntity.emailAddress, .phoneNumber, .creditCard, .iban, .usSSN] {
            #expect(policy.rule(for: entity) == GuardRule(both: .redact))
        }
        for entity in [GuardEntity.ipAddress, .dateOfBirth, .postalAddress, .person] {
            #expect(policy.rule(for: entity) == GuardRule(input: .redact, output: .allow))
        }
        #expect(policy.rule(for: .promptInjection) == GuardRule(input: .block, output: .allow))
        #expect(policy.injectionThreshold == 0.8)
        #expect(policy.canary && policy.canaryAction == .block)
        #expect(policy.checksOutput)
    }

    @Test func strictBlocksSecretsAndCardsAndMasksTheRest() {
        let policy = GuardPolicy.strict
        #expect(policy.redaction == .mask)
        #expect(policy.rule(for: .secret) == GuardRule(both: .block))
        #expect(policy.rule(for: .creditCard) == GuardRule(both: .block))
        #expect(policy.rule(for: .person) == GuardRule(both: .redact))
        #expect(policy.injectionThreshold < GuardPolicy.standard.injectionThreshold)
    }

    @Test func offChecksNothing() {
        let policy = GuardPolicy.off
        #expect(policy.checkedEntities(.input).isEmpty)
        #expect(policy.checkedEntities(.output).isEmpty)
        #expect(!policy.checksOutput)
        #expect(policy.rule(for: .secret) == .allow)
    }

    @Test func checkedEntitiesFollowTheRules() {
        let policy = GuardPolicy(
            name: "p",
            rules: [.secret: GuardRule(input: .flag, output: .allow), .iban: GuardRule(input: .allow, output: .block)]
        )
        #expect(policy.checkedEntities(.input) == [.secret])
        #expect(policy.checkedEntities(.output) == [.iban])
        #expect(policy.action(for: .emailAddress, .input) == .allow)
    }

    @Test(arguments: [
        (GuardPolicy(name: "Bad Name", rules: [:]), "name"),
        (GuardPolicy(name: "", rules: [:]), "name"),
        (GuardPolicy(name: "p", rules: [GuardEntity(rawValue: "EMIAL"): .allow]), "rules.EMIAL"),
        (GuardPolicy(name: "p", rules: [.promptInjection: GuardRule(input: .block, output: .block)]), "rules.PROMPT_INJECTION.output"),
        (GuardPolicy(name: "p", rules: [.promptInjection: GuardRule(input: .redact, output: .allow)]), "rules.PROMPT_INJECTION.input"),
        (GuardPolicy(name: "p", rules: [:], injectionThreshold: 1.5), "injectionThreshold"),
        (GuardPolicy(name: "p", rules: [:], injectionThreshold: .nan), "injectionThreshold"),
        (GuardPolicy(name: "p", rules: [:], canary: true, canaryAction: .allow), "canaryAction"),
        (GuardPolicy(name: "p", rules: [:], maxOutputTokens: 0), "maxOutputTokens"),
    ])
    func invalidPoliciesNameTheField(policy: GuardPolicy, field: String) {
        do {
            try policy.validate()
            Issue.record("\(policy.name) validated")
        } catch {
            #expect(error.code == .invalid)
            #expect(error.field == field)
            #expect(error.message.contains(field))
        }
    }

    @Test func aCanaryActionIsIgnoredWhenTheCanaryIsOff() throws {
        try GuardPolicy(name: "p", rules: [:], canary: false, canaryAction: .allow).validate()
    }

    @Test func unknownBuiltInNamesListTheKnownOnes() throws {
        #expect(try GuardPolicy.builtIn(named: "strict") == .strict)
        #expect(throws: GuardPolicyError.self) { try GuardPolicy.builtIn(named: "lax") }
        do {
            _ = try GuardPolicy.builtIn(named: "lax")
        } catch {
            #expect(error.code == .unknown)
            #expect(error.message.contains("off, standard, strict"))
        }
    }

    @Test func maxTokensAreCappedByThePolicy() {
        let capped = GuardPolicy(name: "p", rules: [:], maxOutputTokens: 100)
        #expect(capped.cappedMaxTokens(nil) == 100)
        #expect(capped.cappedMaxTokens(50) == 50)
        #expect(capped.cappedMaxTokens(500) == 100)
        #expect(GuardPolicy.standard.cappedMaxTokens(500) == 500)
        #expect(GuardPolicy.standard.cappedMaxTokens(nil) == nil)
    }

    @Test func actionsAreOrderedBySeverity() {
        #expect(GuardAction.allCases.sorted() == [.allow, .flag, .redact, .block])
    }
}
