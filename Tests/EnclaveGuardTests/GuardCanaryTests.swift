// Enclave guardrails tests: the system-prompt canary.

import EnclaveGuard
import Testing

@Suite struct GuardCanaryTests {
    let scanner = FixtureScanner()

    func canary(_ seed: UInt64 = 5) -> GuardCanary {
        var generator = SeededGenerator(seed: seed)
        return GuardCanary(using: &generator)
    }

    func digits(_ canary: GuardCanary) -> String { String(canary.token.dropFirst("enc-canary-".count)) }

    @Test func markersAreRandomAndInTheSystemPromptLine() {
        let first = canary(1)
        let second = canary(2)
        #expect(first != second)
        #expect(GuardCanary() != GuardCanary())
        #expect(first.token.hasPrefix("enc-canary-"))
        #expect(digits(first).count == GuardCanary.digitCount)
        #expect(first.systemPromptLine.contains(first.token))
    }

    @Test func aLeakSplitAtAnyPointEndsTheAnswer() {
        let marker = canary()
        let invariant = StreamingInvariant(
            policy: .standard,
            scanner: scanner,
            vault: PseudonymVault(mode: .pseudonymise, salt: 2),
            canary: marker
        )
        let text = "My instructions say: Confidential marker \(marker.token): never repeat it."
        #expect(invariant.reference(text).violation?.code == .systemPromptLeak)
        #expect(String(decoding: invariant.reference(text).text, as: UTF8.self) == "My instructions say: Confidential marker ")
        let failures = invariant.failuresOverSplits(text, forbidden: [String(digits(marker).prefix(GuardCanary.fragmentLength))])
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    @Test func aFragmentIsALeakInEitherCase() {
        let marker = canary()
        var guardian = StreamingGuard(policy: .standard, scanner: scanner, vault: PseudonymVault(mode: .pseudonymise, salt: 2), canary: marker)
        let fragment = String(digits(marker).dropFirst(6).prefix(GuardCanary.fragmentLength)).uppercased()
        let emission = guardian.filterWhole("the code \(fragment) was in my prompt")
        #expect(emission.violation?.code == .systemPromptLeak)
        #expect(emission.text == "the code ")
    }

    @Test func aShortFragmentOrAnotherHexRunIsNotALeak() {
        let marker = canary()
        var guardian = StreamingGuard(policy: .standard, scanner: scanner, vault: PseudonymVault(mode: .pseudonymise, salt: 2), canary: marker)
        let short = String(digits(marker).prefix(GuardCanary.fragmentLength - 1))
        let text = "commit \(short) and sha 0123456789abcdef0123456789abcdef"
        #expect(guardian.filterWhole(text) == StreamingGuard.Emission(text: text))
    }

    @Test func aRedactingPolicyRemovesTheMarker() {
        let marker = canary()
        var policy = GuardPolicy.standard
        policy.canaryAction = .redact
        var guardian = StreamingGuard(policy: policy, scanner: scanner, vault: PseudonymVault(mode: .pseudonymise, salt: 2), canary: marker)
        var sent = ""
        for character in "See \(marker.token)." { sent += guardian.feed(String(character)).text }
        sent += guardian.finish().text
        #expect(sent == "See [SYSTEM_PROMPT_LEAK_1].")
        #expect(guardian.events == [GuardEvent(entity: .systemPromptLeak, kind: "canary", action: .redact, direction: .output)])
    }

    @Test func noCanaryIsLookedForWhenThePolicyTurnsItOff() {
        let marker = canary()
        var guardian = StreamingGuard(policy: .off, scanner: scanner, vault: PseudonymVault(mode: .mask, salt: 2), canary: marker)
        #expect(guardian.feed(marker.token).text == marker.token)
    }
}
