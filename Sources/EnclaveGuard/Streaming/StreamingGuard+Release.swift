// Enclave guardrails: how the stream filter decides what to release, and releases it.

extension StreamingGuard {
    /// Filters and returns the part of the held text that is final (all of it when `final`).
    mutating func release(final: Bool) -> Emission {
        let end = pending.count
        guard end > 0 else { return Emission(text: "") }
        var cut = end
        var forced = false
        var overflow = false
        if !final {
            let tail = Holdback.tail(of: pending, placeholders: holdsPlaceholders, blocks: holdsBlocks, words: holdsWords)
            cut = tail.start
            if tail.isBlock {
                overflow = end - cut > configuration.blockLimit
            } else if end - cut > configuration.holdbackLimit {
                cut = end - configuration.holdbackLimit
                while cut < end, FindingSet.isContinuation(pending[cut]) { cut += 1 }
                forced = true
            }
            if cut == 0 && !overflow { return Emission(text: "") }
        }

        let window = behind + pending
        let offset = behind.count
        let findings = scan(window, text: String(decoding: window, as: UTF8.self)).filter { $0.range.upperBound > offset }
        var absoluteCut = offset + cut
        var swallowAfter = false
        if !final, !overflow, let straddling = findings.first(where: { $0.range.contains(absoluteCut) && $0.range.lowerBound < absoluteCut }) {
            let limit = straddling.entity == .secret ? configuration.blockLimit : configuration.holdbackLimit
            if !forced, straddling.range.lowerBound >= offset, window.count - straddling.range.lowerBound <= limit {
                absoluteCut = straddling.range.lowerBound
            } else {
                // Fail closed: the match is redacted as far as it goes, and the rest of its run dropped.
                absoluteCut = straddling.range.upperBound
                swallowAfter = true
            }
            if absoluteCut == offset { return Emission(text: "") }
        }

        let outcome = SpanRedactor(policy: policy, direction: .output)
            .apply(window, offset..<absoluteCut, findings: findings, vault: &vault, events: &events)
        var emission = Emission(text: String(decoding: outcome.bytes, as: UTF8.self), violation: outcome.violation)
        if emission.violation == nil && overflow {
            events.record(.secret, kind: "private_key", action: .block, direction: .output)
            emission.violation = .unterminatedBlock(limit: configuration.blockLimit, policy: policy.name)
        }
        if let violation = emission.violation {
            self.violation = violation
            pending = []
            behind = []
            return emission
        }
        keepLookBehind(Array(window[0..<absoluteCut]))
        pending.removeFirst(absoluteCut - offset)
        if swallowAfter {
            swallowing = true
            dropSwallowedRun()
        }
        return emission
    }

    /// Drops the leading match bytes of the held text while a redacted run continues.
    mutating func dropSwallowedRun() {
        var count = 0
        while count < pending.count, Holdback.isMatchByte(pending[count]) { count += 1 }
        if count < pending.count { swallowing = false }
        pending.removeFirst(count)
    }

    /// Keeps the end of the sent text, from a clean boundary (never inside a run, never inside a character)
    /// so that a detector never sees a truncated match as a different one.
    private mutating func keepLookBehind(_ sent: [UInt8]) {
        var start = max(0, sent.count - configuration.lookBehind)
        while start < sent.count, Holdback.isInsideRun(sent, at: start, words: holdsWords) || FindingSet.isContinuation(sent[start]) { start += 1 }
        behind = start < sent.count ? Array(sent[start...]) : []
    }
}
