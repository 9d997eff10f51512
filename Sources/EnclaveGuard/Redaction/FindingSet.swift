// Enclave guardrails: a scanner's findings made safe to apply to a byte range.

/// Findings checked before they are applied: inside the text, on UTF-8 scalar boundaries (widened
/// outward, so redaction never cuts a character and never leaves part of a match), sorted, and without
/// overlaps (the earlier of two overlapping findings wins, unless the later one is a canary leak).
///
/// The scanning protocol already promises most of this; checking again costs little and means a faulty
/// detector cannot make redaction crash or leak the end of a match.
enum FindingSet {
    static func normalized(_ findings: [GuardFinding], in bytes: [UInt8]) -> [GuardFinding] {
        var clamped: [GuardFinding] = []
        clamped.reserveCapacity(findings.count)
        for finding in findings {
            var lower = min(max(finding.range.lowerBound, 0), bytes.count)
            var upper = min(max(finding.range.upperBound, lower), bytes.count)
            while lower > 0, lower < bytes.count, isContinuation(bytes[lower]) { lower -= 1 }
            while upper < bytes.count, isContinuation(bytes[upper]) { upper += 1 }
            guard lower < upper else { continue }
            var copy = finding
            copy.range = lower..<upper
            clamped.append(copy)
        }
        clamped.sort { ($0.range.lowerBound, $1.range.count) < ($1.range.lowerBound, $0.range.count) }
        var result: [GuardFinding] = []
        result.reserveCapacity(clamped.count)
        for finding in clamped {
            if let last = result.last, finding.range.lowerBound < last.range.upperBound {
                if finding.entity == .systemPromptLeak, last.entity != .systemPromptLeak {
                    result[result.count - 1] = finding
                }
                continue
            }
            result.append(finding)
        }
        return result
    }

    /// Whether `byte` continues a UTF-8 sequence (`10xxxxxx`).
    static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}
