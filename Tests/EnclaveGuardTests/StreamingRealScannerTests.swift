// Enclave guardrails tests: the stream filter's invariant with the real detectors.

import EnclaveGuard
import Testing

@Suite struct StreamingRealScannerTests {
    static let secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    static let github = "ghp_" + String(repeating: "aB3d", count: 9)

    /// Answers with values of every kind the standard policy redacts on output.
    static let cases: [String] = [
        "Mail ann.lee@example.com or call +44 20 7946 0958 today.",
        "The card 4111 1111 1111 1111 and the IBAN DE89 3704 0044 0532 0130 00 are on file.",
        "Use \(secret) for payments and \(github) for the repository.",
        "SSN 536-22-8145; order 1234 5678 9012 3456 is not a card; version 1.2.3.4.5 is not an address.",
        "postgres://app:Hunter2Secret@db.internal:5432/app then done.",
        "Plain prose with no values at all, only words and 42 numbers.",
    ]

    @Test(arguments: cases)
    func everySplitMatchesTheWholeText(text: String) {
        let policy = GuardPolicy.standard
        let invariant = StreamingInvariant(policy: policy, scanner: GuardScanner(), vault: PseudonymVault(mode: policy.redaction), canary: nil)
        let failures = invariant.failuresOverSplits(
            text,
            forbidden: [Self.secret, Self.github, "ann.lee@example.com", "4111 1111 1111 1111", "536-22-8145", "Hunter2Secret"],
            randomSplits: 20
        )
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    @Test func theRealDetectorsRedactTheWholeAnswer() {
        var stream = StreamingGuard(policy: .standard, scanner: GuardScanner(), vault: PseudonymVault(mode: .pseudonymise))
        let text = Self.cases.joined(separator: " ")
        let output = stream.filterWhole(text).text
        for value in [Self.secret, Self.github, "ann.lee@example.com", "4111 1111 1111 1111", "DE89 3704", "536-22-8145"] {
            #expect(!output.contains(value), "\(value) left in the answer")
        }
        #expect(output.contains("1.2.3.4.5"))
    }
}
