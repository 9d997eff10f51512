// Enclave guardrails tests: the stream filter equals the one-shot filter for every way of chunking a text.

import EnclaveGuard
import Testing

@Suite struct StreamingPropertyTests {
    static let key = "sk_live_51Habcdefghijklmnop"
    static let card = "4242-4242-4242-4242"
    static let pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBx9\nq2w3e4r5t6\n-----END EC PRIVATE KEY-----"

    /// A request's vault with two restorable values, after a user typed `[EMAIL_1]` literally.
    static func vault(_ mode: RedactionMode = .pseudonymise) throws -> PseudonymVault {
        var vault = PseudonymVault(mode: mode, salt: 9)
        _ = try InputGuard(policy: .standard, scanner: FixtureScanner()).apply(
            to: ["keep [EMAIL_1] as is; mail ann@example.com, card 4111 1111 1111 1111"],
            vault: &vault
        )
        return vault
    }

    static let cases: [String] = [
        "Write to [EMAIL_2] or bob@example.org; card \(card) ends the list.",
        "Key: \(key), and the typed [EMAIL_1] stays; [CARD_1] is restored.",
        "Digits 1234 5678 9012 3456 7 are not a card, but 4242 4242 4242 4242 is.",
        "Your password: s3cretvalue and mail x.y+z@mail.example.co.uk.",
        "A key block:\n\(pem)\nand text after it, then [EMAIL_2].",
        "Ünïcödé → café@example.com? no: cafe@example.com — 日本 🎉 [CARD_1]!",
        "(555) 123-4567 and +1 (555) 123 4567, ids a-b-c, path /usr/local/bin:ok=1~",
        "[EMAIL_2[EMAIL_2]] [[CARD_1]] [EMAIL_22] [EMA IL_2]",
    ]

    @Test(arguments: cases)
    func everySplitMatchesTheWholeText(text: String) throws {
        let invariant = StreamingInvariant(policy: .standard, scanner: FixtureScanner(), vault: try Self.vault(), canary: nil)
        let failures = invariant.failuresOverSplits(text, forbidden: [Self.key, Self.card, "bob@example.org", "MHcCAQ"])
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    @Test(arguments: cases)
    func everySplitMatchesUnderStrictBlocking(text: String) throws {
        let invariant = StreamingInvariant(policy: .strict, scanner: FixtureScanner(), vault: try Self.vault(.mask), canary: nil)
        let failures = invariant.failuresOverSplits(text, forbidden: [Self.key, Self.card, "MHcCAQ"], randomSplits: 20)
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    @Test func namesOverSeveralWordsAreHeldWhole() throws {
        let invariant = StreamingInvariant(policy: .strict, scanner: FixtureScanner(), vault: try Self.vault(.mask), canary: nil)
        let text = "Dear Mr John Smith, we met Mr Ann Lee Park and Mr Bo at 10 Main Street. Thanks, Mr X."
        #expect(String(decoding: invariant.reference(text).text, as: UTF8.self).hasPrefix("Dear Mr [NAME_1], we met Mr [NAME_2] and"))
        let failures = invariant.failuresOverSplits(text, forbidden: ["John", "Smith", "Lee"])
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    /// Random answers made of words, values, placeholders, the canary and multi-byte text, each streamed in
    /// random chunks: the same invariant, for any scanner. (Values glued to other pieces may not be matches
    /// at all, so what must not leak is whatever the one-shot filter removes: the prefix check.)
    static func randomAnswersHoldTheInvariant(scanner: any SensitiveTextScanning, seed: UInt64, answers: Int) throws -> [String] {
        var generator = SeededGenerator(seed: seed)
        let marker = GuardCanary(using: &generator)
        let pieces = [
            "the", "answer", "is", "4242", "4242 4242 4242 4242", "ann@example.com", "bob@example.org", key, "sk_live_", "password:",
            "[EMAIL_2]", "[EMAIL_1]", "[CARD_1]", "[EMA", "IL_2]", "日本", "é", "🎉", "(555)", "123-4567", "--", pem, "\n", ",", ".", "  ",
            "x=1", "a/b:c", marker.token,
        ]
        let invariant = StreamingInvariant(policy: .standard, scanner: scanner, vault: try vault(), canary: marker)
        var failures: [String] = []
        for _ in 0..<answers {
            let count = Int.random(in: 1...24, using: &generator)
            var text = ""
            for _ in 0..<count {
                text += pieces.randomElement(using: &generator)!
                if Bool.random(using: &generator) { text += " " }
            }
            let cuts = StreamingInvariant.boundaries(text)
            for _ in 0..<8 {
                let density = Double.random(in: 0.02...0.7, using: &generator)
                let chosen = cuts.filter { _ in Double.random(in: 0..<1, using: &generator) < density }
                failures += invariant.failures(StreamingInvariant.split(text, at: chosen))
            }
        }
        return failures
    }

    @Test func randomAnswersInRandomChunks() throws {
        let failures = try Self.randomAnswersHoldTheInvariant(scanner: FixtureScanner(), seed: 42, answers: 300)
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(2))")
    }
}
