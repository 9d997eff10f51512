// Enclave guardrails: every detector in one scan.

/// All of Enclave's detectors behind one ``SensitiveTextScanning``: e-mail addresses, phone numbers, card
/// numbers, IBANs, US SSNs, IP addresses, labelled dates of birth, street addresses, cued names, secrets
/// and the prompt-injection score. Detectors whose entities are not asked for do not run.
///
/// Span findings are sorted and do not overlap (the longer match wins, then the more specific entity:
/// a secret over an e-mail address it contains, a card number over a phone-like run). The prompt-injection
/// finding, at most one, is evidence about the whole text: it is placed by its start and may overlap
/// span findings.
///
/// ```swift
/// let scanner = GuardScanner()
/// for finding in scanner.findings(in: prompt, entities: Set(GuardEntity.redactable)) { ... }
/// let injection = scanner.injectionScore(of: prompt)   // GuardFinding? with its score
/// ```
public struct GuardScanner: SensitiveTextScanning {
    private let detectors: [any ByteDetector]
    private let reported: [[GuardEntity]]
    private let injection = PromptInjectionDetector()

    /// Creates a scanner with every detector.
    public init() {
        detectors = [
            SecretDetector(), EmailDetector(), CreditCardDetector(), IBANDetector(), USSSNDetector(), IPAddressDetector(),
            PhoneNumberDetector(), DateOfBirthDetector(), PostalAddressDetector(), PersonNameDetector(),
        ]
        reported = detectors.map(\.reportedEntities)
    }

    /// The findings in `text` for `entities`: span findings without overlaps, sorted by start, and the
    /// prompt-injection finding when asked for and its score reaches ``PromptInjectionDetector/reportingFloor``
    /// (compare its ``GuardFinding/score`` with the policy's threshold).
    public func findings(in text: String, entities: Set<GuardEntity> = Set(GuardEntity.all)) -> [GuardFinding] {
        var raw: [GuardFinding] = []
        ScanBytes.with(text) { bytes in
            for (detector, reported) in zip(detectors, reported) where reported.contains(where: entities.contains) {
                detector.scan(bytes, into: &raw)
            }
            if entities.contains(.promptInjection), let finding = injection.score(bytes), finding.score >= PromptInjectionDetector.reportingFloor {
                raw.append(finding)
            }
        }
        return FindingOverlaps.resolve(raw.filter { entities.contains($0.entity) })
    }

    /// The prompt-injection score of `text` with its strongest evidence; nil when no signal fires at all.
    public func injectionScore(of text: String) -> GuardFinding? {
        injection.score(text)
    }
}
