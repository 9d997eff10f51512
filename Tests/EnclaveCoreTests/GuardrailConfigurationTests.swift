// Enclave: tests of the `guardrails:` section.

import EnclaveCore
import Testing

@Suite struct GuardrailConfigurationTests {
    func parse(_ yaml: String) throws -> GuardrailSettings {
        try EnclaveConfiguration(yaml: yaml, source: "test.yaml", baseDirectory: nil, environment: [:]).guardrails
    }

    func problem(_ yaml: String) -> String? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func theDefaultIsTheStandardPolicy() throws {
        #expect(try parse("") == GuardrailSettings(defaultPolicy: "standard", policies: []))
    }

    @Test func everyKeyIsRead() throws {
        let settings = try parse(
            """
            guardrails:
              default_policy: support
              policies:
                - name: support
                  base: strict
                  redaction: mask
                  injection_threshold: 0.65
                  canary: false
                  max_output_tokens: 512
                  documents: refuse
                  detectors:
                    EMAIL_ADDRESS: redact
                    SECRET: {input: block, output: redact}
                    PROMPT_INJECTION: {input: flag}
            """
        )
        #expect(settings.defaultPolicy == "support")
        let policy = try #require(settings.policies.first)
        #expect(policy.name == "support")
        #expect(policy.base == "strict")
        #expect(policy.redaction == "mask")
        #expect(policy.injectionThreshold == 0.65)
        #expect(policy.canary == false)
        #expect(policy.maxOutputTokens == 512)
        #expect(policy.documents == "refuse")
        #expect(
            policy.detectors.map { [$0.detector, $0.input ?? "-", $0.output ?? "-"] } == [
                ["EMAIL_ADDRESS", "redact", "redact"], ["SECRET", "block", "redact"], ["PROMPT_INJECTION", "flag", "-"],
            ]
        )
        #expect(policy.detectors[1].path == "guardrails.policies[0].detectors.SECRET")
    }

    @Test(arguments: [
        ("guardrails:\n  policies:\n    - name: a\n      redaction: hide\n", "guardrails.policies[0].redaction"),
        ("guardrails:\n  policies:\n    - name: a\n      injection_threshold: 2\n", "guardrails.policies[0].injection_threshold"),
        ("guardrails:\n  policies:\n    - name: a\n      detectors:\n        SECRET: erase\n", "guardrails.policies[0].detectors.SECRET"),
        ("guardrails:\n  policies:\n    - name: a\n      detectors:\n        SECRET: {inbound: block}\n", "inbound"),
        ("guardrails:\n  policies:\n    - name: a\n    - name: a\n", "declared twice"),
        ("guardrails:\n  policies:\n    - base: strict\n", "a policy needs a name"),
        ("guardrails:\n  policies:\n    - name: a\n      documents: shred\n", "guardrails.policies[0].documents"),
        ("guardrails:\n  strictness: high\n", "guardrails.strictness"),
    ])
    func badValuesNameTheirKey(yaml: String, key: String) {
        let problem = self.problem(yaml)
        #expect(problem?.contains(key) == true, "\(problem ?? "no error")")
    }
}
