// Enclave guardrails tests: the per-request vault of placeholders.

import EnclaveGuard
import Testing

@Suite struct PseudonymVaultTests {
    @Test func placeholdersAreNumberedPerEntityAndReused() {
        var vault = PseudonymVault(mode: .pseudonymise, salt: 7)
        #expect(vault.placeholder(for: "a@x.com", entity: .emailAddress) == "[EMAIL_1]")
        #expect(vault.placeholder(for: "b@x.com", entity: .emailAddress) == "[EMAIL_2]")
        #expect(vault.placeholder(for: "4242424242424242", entity: .creditCard) == "[CARD_1]")
        #expect(vault.placeholder(for: "a@x.com", entity: .emailAddress) == "[EMAIL_1]")
        #expect(vault.issuedCount == 3)
    }

    @Test func pseudonymisationKeepsTheValuesForTheAnswer() {
        var vault = PseudonymVault(mode: .pseudonymise, salt: 7)
        let placeholder = vault.placeholder(for: "a@x.com", entity: .emailAddress)
        #expect(vault.original(of: placeholder) == "a@x.com")
        #expect(vault.hasRestorableValues)
        #expect(vault.original(of: "[EMAIL_9]") == nil)
    }

    @Test func maskingForgetsTheValuesButReusesPlaceholders() {
        var vault = PseudonymVault(mode: .mask, salt: 7)
        let first = vault.placeholder(for: "a@x.com", entity: .emailAddress)
        #expect(first == "[EMAIL_1]")
        #expect(vault.placeholder(for: "a@x.com", entity: .emailAddress) == first)
        #expect(vault.original(of: first) == nil)
        #expect(!vault.hasRestorableValues)
        #expect(!String(describing: vault).contains("a@x.com"))
    }

    @Test func answerValuesOfTheUserStayAndNewOnesAreMasked() {
        var vault = PseudonymVault(mode: .pseudonymise, salt: 7)
        _ = vault.placeholder(for: "a@x.com", entity: .emailAddress)
        #expect(vault.answerPlaceholder(for: "a@x.com", entity: .emailAddress) == nil)
        let masked = vault.answerPlaceholder(for: "new@x.com", entity: .emailAddress)
        #expect(masked == "[EMAIL_2]")
        #expect(vault.answerPlaceholder(for: "new@x.com", entity: .emailAddress) == masked)
        #expect(vault.original(of: "[EMAIL_2]") == nil)
    }

    @Test func inMaskModeAnAnswerRepeatingAValueGetsItsPlaceholder() {
        var vault = PseudonymVault(mode: .mask, salt: 7)
        _ = vault.placeholder(for: "a@x.com", entity: .emailAddress)
        #expect(vault.answerPlaceholder(for: "a@x.com", entity: .emailAddress) == "[EMAIL_1]")
    }

    @Test func typedPlaceholdersAreNeverIssued() {
        var vault = PseudonymVault(mode: .pseudonymise, salt: 7)
        vault.reservePlaceholders(in: "see [EMAIL_1] and [EMAIL_3], not [email_2] or [EMAIL_] or [EMAIL_4")
        #expect(vault.placeholder(for: "a@x.com", entity: .emailAddress) == "[EMAIL_2]")
        #expect(vault.placeholder(for: "b@x.com", entity: .emailAddress) == "[EMAIL_4]")
        #expect(vault.original(of: "[EMAIL_1]") == nil)
    }
}
