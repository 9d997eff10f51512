// Enclave guardrails: what every detector implements, and the public scan of one detector alone.

/// A detector: one pass over the bytes of a text that appends its raw matches, which may overlap (the
/// caller resolves overlaps with ``FindingOverlaps``).
protocol ByteDetector: SensitiveTextScanning {
    /// The entities the detector can report.
    var reportedEntities: [GuardEntity] { get }
    /// Appends the detector's matches in `text`.
    func scan(_ text: ScanBytes, into findings: inout [GuardFinding])
}

extension ByteDetector {
    /// The detector's findings in `text` restricted to `entities`, sorted and without overlaps.
    func resolvedFindings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        guard reportedEntities.contains(where: entities.contains) else { return [] }
        var raw: [GuardFinding] = []
        ScanBytes.with(text) { scan($0, into: &raw) }
        return FindingOverlaps.resolve(raw.filter { entities.contains($0.entity) })
    }
}
