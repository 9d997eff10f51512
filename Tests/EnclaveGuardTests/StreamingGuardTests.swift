// Enclave guardrails tests: the stream filter's behaviour on chosen answers.

import EnclaveGuard
import Testing

@Suite struct StreamingGuardTests {
    let scanner = FixtureScanner()
    let key = "sk_live_51Habcdefghijklmnop"

    func stream(_ policy: GuardPolicy = .standard, vault: PseudonymVault? = nil, canary: GuardCanary? = nil) -> StreamingGuard {
        StreamingGuard(policy: policy, scanner: scanner, vault: vault ?? PseudonymVault(mode: policy.redaction, salt: 3), canary: canary)
    }

    /// Feeds `chunks` and returns what was sent after each one.
    func emissions(_ guardian: inout StreamingGuard, _ chunks: [String]) -> [String] {
        chunks.map { guardian.feed($0).text } + [guardian.finish().text]
    }

    @Test func proseIsDelayedByOneWordAtMost() {
        var guardian = stream()
        #expect(emissions(&guardian, ["Hello", " wor", "ld", ", how", " are", " you?"]) == ["", "Hello ", "", "world, ", "how ", "are you?", ""])
    }

    @Test func aSecretSplitAcrossChunksNeverLeaves() {
        var guardian = stream()
        let sent = emissions(&guardian, ["Use sk_", "live_51Hab", "cdefghijklmnop", " to pay."])
        #expect(sent.joined() == "Use [SECRET_1] to pay.")
        #expect(sent.allSatisfy { !$0.contains("sk_") && !$0.contains("51H") })
        #expect(guardian.events == [GuardEvent(entity: .secret, kind: "stripe_secret_key", action: .redact, direction: .output)])
    }

    @Test func cardDigitGroupsAreHeldUntilTheChainEnds() {
        var guardian = stream()
        let sent = emissions(&guardian, ["Card: 4242 ", "4242 ", "4242 ", "4242", " ok"])
        #expect(sent.joined() == "Card: [CARD_1] ok")
        #expect(sent.allSatisfy { !$0.contains("4242") })
    }

    @Test func theUsersOwnValueIsRestoredNotMasked() throws {
        var vault = PseudonymVault(mode: .pseudonymise, salt: 3)
        _ = try InputGuard(policy: .standard, scanner: scanner).apply(to: ["write to ann@example.com"], vault: &vault)
        var guardian = stream(vault: vault)
        let sent = emissions(&guardian, ["I wrote to [EMA", "IL_1] and ", "ann@example.com", ", and to bob@example.com."]).joined()
        #expect(sent == "I wrote to ann@example.com and ann@example.com, and to [EMAIL_2].")
    }

    @Test func aBlockedSecretEndsTheAnswerAfterTheSafeText() {
        var guardian = stream(.strict)
        var sent = ""
        var violation: GuardViolation?
        for chunk in ["Here it", " is: sk_li", "ve_51Habcdefgh", "ijkl and more"] {
            let emission = guardian.feed(chunk)
            sent += emission.text
            if let v = emission.violation {
                violation = v
                break
            }
        }
        #expect(sent == "Here it is: ")
        #expect(violation?.entity == .secret)
        #expect(violation?.direction == .output)
        #expect(violation.map { !$0.message.contains("sk_live") } == true)
        #expect(guardian.feed("more").violation == violation)
        #expect(guardian.finish().violation == violation)
    }

    @Test func thePassThroughPolicyBuffersNothing() {
        var guardian = stream(.off)
        #expect(emissions(&guardian, ["sk_", "live_51Habcdefghijklmnop", " x"]) == ["sk_", "live_51Habcdefghijklmnop", " x", ""])
        #expect(guardian.maximumHeld == 0)
    }

    @Test func aLabelInTheLookBehindIsSeen() {
        var guardian = stream()
        let sent = emissions(&guardian, ["The ", "password: ", "hunter2x", "yz is old."]).joined()
        #expect(sent == "The password: [SECRET_1] is old.")
    }

    @Test func aPrivateKeyBlockIsHeldUntilItsEndLine() {
        let block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1b2c3d4\ne5f6g7h8i9j0\n-----END RSA PRIVATE KEY-----"
        var guardian = stream()
        var sent: [String] = []
        for line in ("Key:\n" + block + "\nDone.").split(separator: "\n", omittingEmptySubsequences: false) {
            sent.append(guardian.feed(line + "\n").text)
        }
        sent.append(guardian.finish().text)
        #expect(sent.joined() == "Key:\n[SECRET_1]\nDone.\n")
        #expect(sent.allSatisfy { !$0.contains("MIIE") && !$0.contains("e5f6") })
    }

    @Test func aCertificateIsNotHeldAsAKey() {
        var guardian = stream()
        let sent = emissions(&guardian, ["-----BEGIN CERTIFICATE-----\n", "MIIBszCCAVmgAwIBAgIU\n", "more\n"])
        #expect(sent[1] == "MIIBszCCAVmgAwIBAgIU\n")
    }

    @Test func anUnterminatedKeyBlockEndsTheAnswerAtItsBound() {
        var guardian = StreamingGuard(
            policy: .standard,
            scanner: scanner,
            vault: PseudonymVault(mode: .pseudonymise, salt: 3),
            configuration: .init(holdbackLimit: 64, blockLimit: 256)
        )
        var sent = guardian.feed("ok -----BEGIN PRIVATE KEY-----\n").text
        var violation: GuardViolation?
        for _ in 0..<20 where violation == nil {
            let emission = guardian.feed("QUJDREVGR0hJSktMTU5PUFFSU1RVVldY\n")
            sent += emission.text
            violation = emission.violation
        }
        #expect(sent == "ok ")
        #expect(violation?.code == .unterminatedBlock)
        #expect(guardian.heldByteCount == 0)
    }

    @Test func heldTextNeverExceedsTheBound() {
        var guardian = StreamingGuard(
            policy: .standard,
            scanner: scanner,
            vault: PseudonymVault(mode: .pseudonymise, salt: 3),
            configuration: .init(holdbackLimit: 64)
        )
        var sent = ""
        for _ in 0..<100 {
            sent += guardian.feed("abcdefgh").text
            #expect(guardian.heldByteCount <= 64)
        }
        sent += guardian.finish().text
        #expect(sent == String(repeating: "abcdefgh", count: 100))
        #expect(guardian.maximumHeld <= 64 + 8)
    }

    @Test func aSecretAtTheBoundIsRedactedWholeAndItsRunDropped() {
        var guardian = StreamingGuard(
            policy: .standard,
            scanner: scanner,
            vault: PseudonymVault(mode: .pseudonymise, salt: 3),
            configuration: .init(holdbackLimit: 64)
        )
        var sent = guardian.feed("key sk_live_").text
        for _ in 0..<40 { sent += guardian.feed("abcd1234").text }
        sent += guardian.feed(" end").text + guardian.finish().text
        #expect(sent == "key [SECRET_1] end")
    }

    @Test func multiByteCharactersAreNeverSplit() {
        var guardian = stream()
        let text = "Grüße, 日本語 ok 🎉🎉 and é\u{301} ann@example.com x@y.co"
        var sent: [String] = []
        for scalar in text.unicodeScalars { sent.append(guardian.feed(String(scalar)).text) }
        sent.append(guardian.finish().text)
        let expected = "Grüße, 日本語 ok 🎉🎉 and é\u{301} [EMAIL_1] [EMAIL_2]"
        #expect(sent.joined().utf8.elementsEqual(expected.utf8))
    }
}
