// Enclave guardrails: a policy applied to the texts of a request before the model sees them.

/// Applies a policy's input rules to the texts of one request (its messages' contents, in order) with a
/// scanner: blocked entities refuse the request, redacted ones become the vault's placeholders, flagged
/// ones are only counted, and a prompt-injection score at or above the policy's threshold takes the
/// prompt-injection rule's action.
///
/// ```swift
/// var vault = PseudonymVault(mode: policy.redaction)
/// let filtered = try InputGuard(policy: policy, scanner: scanner).apply(to: texts, vault: &vault)
/// // send filtered.texts to the model; give the vault to the StreamingGuard of the answer
/// ```
public struct InputGuard: Sendable {
    /// The policy applied.
    public let policy: GuardPolicy
    /// The detectors.
    public let scanner: any SensitiveTextScanning

    /// Creates an input filter.
    public init(policy: GuardPolicy, scanner: any SensitiveTextScanning) {
        self.policy = policy
        self.scanner = scanner
    }

    /// The result of filtering a request's texts.
    public struct Result: Sendable, Hashable {
        /// The texts to send to the model, in the order given, redacted.
        public var texts: [String]
        /// What was done, counted per entity, kind and action (no text).
        public var events: [GuardEvent]
    }

    /// Filters `texts`, issuing placeholders from `vault` (the same value gets the same placeholder in
    /// every text). Throws the first violation, in text order, before anything is redacted.
    public func apply(to texts: [String], vault: inout PseudonymVault) throws(GuardViolation) -> Result {
        let entities = policy.checkedEntities(.input)
        guard !entities.isEmpty else { return Result(texts: texts, events: []) }
        var events: [GuardEvent] = []
        var scanned: [(bytes: [UInt8], spans: [GuardFinding])] = []
        scanned.reserveCapacity(texts.count)
        for text in texts {
            let bytes = Array(text.utf8)
            let findings = scanner.findings(in: text, entities: entities)
            try judgeInjection(findings, events: &events)
            let spans = FindingSet.normalized(findings.filter { $0.entity != .promptInjection }, in: bytes)
            if let blocked = spans.first(where: { policy.action(for: $0.entity, .input) == .block }) {
                throw .blocked(blocked.entity, kind: blocked.kind, direction: .input, policy: policy.name)
            }
            scanned.append((bytes, spans))
        }
        for text in texts { vault.reservePlaceholders(in: text) }
        let redactor = SpanRedactor(policy: policy, direction: .input)
        var filtered: [String] = []
        filtered.reserveCapacity(texts.count)
        for (index, (bytes, spans)) in scanned.enumerated() {
            if spans.isEmpty {
                filtered.append(texts[index])
                continue
            }
            let outcome = redactor.apply(bytes, 0..<bytes.count, findings: spans, vault: &vault, events: &events)
            filtered.append(String(decoding: outcome.bytes, as: UTF8.self))
        }
        return Result(texts: filtered, events: events)
    }

    /// The whole-text check: the highest prompt-injection score of a text against the threshold.
    private func judgeInjection(_ findings: [GuardFinding], events: inout [GuardEvent]) throws(GuardViolation) {
        let action = policy.action(for: .promptInjection, .input)
        guard action != .allow,
            let top = findings.filter({ $0.entity == .promptInjection }).max(by: { $0.score < $1.score }),
            top.score >= policy.injectionThreshold
        else { return }
        events.record(.promptInjection, kind: top.kind, action: action, direction: .input)
        if action == .block {
            throw .injection(score: top.score, threshold: policy.injectionThreshold, kind: top.kind, policy: policy.name)
        }
    }
}
