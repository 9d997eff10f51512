// Enclave guardrails tests: policies built from the configuration.

import EnclaveCore
import EnclaveGuard
import Testing

@Suite struct GuardPolicyBookTests {
    @Test func theDefaultIsStandardWithTheBuiltIns() throws {
        let book = try GuardPolicyBook()
        #expect(book.defaultPolicy == .standard)
        #expect(Set(book.policies.keys) == ["standard", "strict", "off"])
        #expect(try book.policy(named: nil) == .standard)
        #expect(book.documentAction(of: .strict) == .refuse)
    }

    @Test func aDeclaredPolicyChangesItsBase() throws {
        let declared = DeclaredGuardPolicy(
            name: "support",
            base: "strict",
            redaction: "pseudonymise",
            injectionThreshold: 0.5,
            canary: false,
            maxOutputTokens: 300,
            documents: "allow",
            detectors: [
                DeclaredGuardRule(detector: "SECRET", input: "redact", output: nil, path: "p.SECRET"),
                DeclaredGuardRule(detector: "EMAIL_ADDRESS", input: "allow", output: "allow", path: "p.EMAIL_ADDRESS"),
            ]
        )
        let book = try GuardPolicyBook(settings: GuardrailSettings(defaultPolicy: "support", policies: [declared]))
        let policy = try book.policy(named: "support")
        #expect(book.defaultPolicy == policy)
        #expect(policy.redaction == .pseudonymise && policy.injectionThreshold == 0.5 && !policy.canary && policy.maxOutputTokens == 300)
        #expect(policy.rule(for: .secret) == GuardRule(input: .redact, output: .block))
        #expect(policy.rule(for: .emailAddress) == .allow)
        #expect(policy.rule(for: .creditCard) == GuardPolicy.strict.rule(for: .creditCard))
        #expect(book.documentAction(of: policy) == .allow)
    }

    @Test(arguments: [
        (DeclaredGuardPolicy(name: "a", detectors: [DeclaredGuardRule(detector: "SSN", input: "block", output: nil, path: "x.SSN")]), "x.SSN"),
        (DeclaredGuardPolicy(name: "a", base: "lenient"), "lenient"),
        (DeclaredGuardPolicy(name: "strict"), "built-in"),
        (
            DeclaredGuardPolicy(
                name: "a",
                detectors: [DeclaredGuardRule(detector: "PROMPT_INJECTION", input: "redact", output: nil, path: "x.PROMPT_INJECTION")]
            ), "cannot be redacted"
        ),
    ])
    func badDeclarationsAreNamed(declared: DeclaredGuardPolicy, fragment: String) {
        #expect(throws: GuardPolicyError.self) { try GuardPolicyBook(settings: GuardrailSettings(policies: [declared])) }
        do {
            _ = try GuardPolicyBook(settings: GuardrailSettings(policies: [declared]))
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func anUnknownDefaultIsRefused() {
        #expect(throws: GuardPolicyError.self) { try GuardPolicyBook(settings: GuardrailSettings(defaultPolicy: "nope")) }
    }
}
