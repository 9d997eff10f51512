// Enclave guardrails tests: entity names.

import EnclaveGuard
import Testing

@Suite struct GuardEntityTests {
    @Test func namesAreTheEvaluationFileNames() {
        #expect(GuardEntity.all.map(\.rawValue).contains("IBAN_CODE"))
        #expect(Set(GuardEntity.all).count == GuardEntity.all.count)
        #expect(!GuardEntity.redactable.contains(.promptInjection))
    }

    @Test func placeholderLabelsAreDistinct() {
        let labels = GuardEntity.redactable.map(\.placeholderLabel)
        #expect(Set(labels).count == labels.count)
    }
}
