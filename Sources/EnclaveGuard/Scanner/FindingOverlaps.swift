// Enclave guardrails: choosing among overlapping matches.

/// Turns raw, possibly overlapping matches into the sorted, non-overlapping list ``SensitiveTextScanning``
/// promises: of two overlapping span matches the longer wins, then the more specific entity, then the
/// earlier. A prompt-injection finding is evidence about the whole text, not a span to replace: it takes
/// part in no overlap and is kept in start order.
enum FindingOverlaps {
    /// The entities from most to least specific (a secret is more specific than the e-mail address its
    /// text may contain; a card number than a phone-like digit run).
    static let specificity: [GuardEntity] = [
        .secret, .creditCard, .iban, .usSSN, .emailAddress, .ipAddress, .phoneNumber, .dateOfBirth, .postalAddress, .person,
    ]

    /// The rank of an entity in ``specificity`` (lower is more specific).
    static func rank(_ entity: GuardEntity) -> Int {
        specificity.firstIndex(of: entity) ?? specificity.count
    }

    /// The chosen findings, sorted by start.
    static func resolve(_ raw: [GuardFinding]) -> [GuardFinding] {
        guard raw.count > 1 else { return raw }
        var wholeText: [GuardFinding] = []
        var spans: [GuardFinding] = []
        for finding in raw {
            if finding.entity == .promptInjection { wholeText.append(finding) } else { spans.append(finding) }
        }
        spans.sort { left, right in
            if left.range.count != right.range.count { return left.range.count > right.range.count }
            let leftRank = rank(left.entity)
            let rightRank = rank(right.entity)
            if leftRank != rightRank { return leftRank < rightRank }
            return left.range.lowerBound < right.range.lowerBound
        }
        var chosen: [GuardFinding] = []
        chosen.reserveCapacity(spans.count)
        for candidate in spans where !chosen.contains(where: { $0.range.overlaps(candidate.range) }) {
            chosen.append(candidate)
        }
        chosen.append(contentsOf: wholeText)
        chosen.sort { $0.range.lowerBound < $1.range.lowerBound }
        return chosen
    }
}
