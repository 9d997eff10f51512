// Enclave guardrails: a policy applied to the findings of one stretch of text.

/// Applies a policy to the findings inside one stretch of UTF-8 bytes: flags are counted, redactions are
/// replaced by the vault's placeholders, the first block stops the stretch there. On the output side the
/// text between findings also gets the vault's placeholders replaced by the user's values.
///
/// The input filter applies it to each whole text; the stream filter to each stretch it releases, and to
/// the whole answer in ``StreamingGuard/filterWhole(_:)``: the same code, so that the stream and the whole
/// text can only differ in where the stretches begin and end.
struct SpanRedactor {
    var policy: GuardPolicy
    var direction: GuardDirection

    /// The result of one stretch.
    struct Outcome {
        var bytes: [UInt8] = []
        var violation: GuardViolation?
    }

    /// Filters `bytes[range]`; `findings` are normalized, sorted and may extend outside `range` (they are
    /// clipped to it).
    func apply(
        _ bytes: [UInt8],
        _ range: Range<Int>,
        findings: [GuardFinding],
        vault: inout PseudonymVault,
        events: inout [GuardEvent]
    ) -> Outcome {
        var outcome = Outcome()
        outcome.bytes.reserveCapacity(range.count + 16)
        var position = range.lowerBound
        for finding in findings {
            let lower = max(finding.range.lowerBound, range.lowerBound)
            let upper = min(finding.range.upperBound, range.upperBound)
            guard lower < upper, lower >= position else { continue }
            copy(bytes, position..<lower, into: &outcome.bytes, vault: vault)
            position = upper
            let action =
                finding.entity == .systemPromptLeak ? policy.canaryAction : policy.action(for: finding.entity, direction)
            switch action {
            case .allow:
                outcome.bytes.append(contentsOf: bytes[lower..<upper])
            case .flag:
                events.record(finding.entity, kind: finding.kind, action: .flag, direction: direction)
                outcome.bytes.append(contentsOf: bytes[lower..<upper])
            case .redact:
                let value = String(decoding: bytes[lower..<upper], as: UTF8.self)
                let placeholder =
                    direction == .input
                    ? vault.placeholder(for: value, entity: finding.entity)
                    : vault.answerPlaceholder(for: value, entity: finding.entity)
                if let placeholder {
                    events.record(finding.entity, kind: finding.kind, action: .redact, direction: direction)
                    outcome.bytes.append(contentsOf: placeholder.utf8)
                } else {
                    outcome.bytes.append(contentsOf: bytes[lower..<upper])
                }
            case .block:
                events.record(finding.entity, kind: finding.kind, action: .block, direction: direction)
                outcome.violation =
                    finding.entity == .systemPromptLeak
                    ? .systemPromptLeak(policy: policy.name)
                    : .blocked(finding.entity, kind: finding.kind, direction: direction, policy: policy.name)
                return outcome
            }
        }
        copy(bytes, position..<range.upperBound, into: &outcome.bytes, vault: vault)
        return outcome
    }

    /// Copies text between findings; on output, restores the placeholders the vault can restore.
    private func copy(_ bytes: [UInt8], _ range: Range<Int>, into output: inout [UInt8], vault: PseudonymVault) {
        guard !range.isEmpty else { return }
        guard direction == .output, vault.hasRestorableValues else {
            output.append(contentsOf: bytes[range])
            return
        }
        var position = range.lowerBound
        for occurrence in PlaceholderSyntax.occurrences(in: bytes, range) {
            let placeholder = String(decoding: bytes[occurrence], as: UTF8.self)
            guard let original = vault.original(of: placeholder) else { continue }
            output.append(contentsOf: bytes[position..<occurrence.lowerBound])
            output.append(contentsOf: original.utf8)
            position = occurrence.upperBound
        }
        output.append(contentsOf: bytes[position..<range.upperBound])
    }
}
