// Enclave guardrails: the capability every scanner offers.

/// Something that finds sensitive spans in a text: the full set of detectors (``GuardScanner``), or one
/// detector alone.
///
/// ```swift
/// for finding in scanner.findings(in: prompt) where finding.entity == .secret { ... }
/// ```
public protocol SensitiveTextScanning: Sendable {
    /// The findings in `text`, sorted by start, non-overlapping (of two overlapping matches the longer,
    /// then the more specific, wins), restricted to `entities`. A prompt-injection finding is evidence about
    /// the whole text rather than a span to replace: it takes no part in overlap resolution and may overlap
    /// span findings (compare its ``GuardFinding/score`` with a threshold).
    func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding]
}
