// Enclave guardrails: US social security numbers.

/// Finds US social security numbers written `AAA-GG-SSSS` or `AAA GG SSSS`, and as nine bare digits only
/// right after a label (`SSN`, `SSN#`, `social security number`, `SS#`). Numbers the SSA never issues are
/// not reported: area 000, 666 or 900-999, group 00, serial 0000, and the widely published sample numbers
/// (078-05-1120, 219-09-9999, 123-45-6789).
///
/// Not caught: unlabelled bare nine-digit numbers (indistinguishable from any other id) and other groupings.
public struct USSSNDetector: ByteDetector {
    /// Creates the detector.
    public init() {}

    var reportedEntities: [GuardEntity] { [.usSSN] }

    /// The social security numbers in `text`.
    public func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        resolvedFindings(in: text, entities: entities)
    }

    func scan(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        var index = 0
        while index < text.count {
            guard Byte.isDigit(text[index]), isStart(text, index) else {
                index += 1
                continue
            }
            let run = text.runEnd(from: index, limit: 10, while: Byte.isDigit)
            defer { index = max(index + 1, run) }
            if run - index == 3 {
                let separator = text[run]
                guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: " ") else { continue }
                let group = text.runEnd(from: run + 1, limit: 3, while: Byte.isDigit)
                guard group - run - 1 == 2, text[group] == separator else { continue }
                let serial = text.runEnd(from: group + 1, limit: 5, while: Byte.isDigit)
                guard serial - group - 1 == 4, isEnd(text, serial) else { continue }
                if isValid(text, area: index, group: run + 1, serial: group + 1) {
                    findings.append(GuardFinding(entity: .usSSN, range: index..<serial))
                }
            } else if run - index == 9, isEnd(text, run), isLabelled(text, before: index),
                isValid(text, area: index, group: index + 3, serial: index + 5)
            {
                findings.append(GuardFinding(entity: .usSSN, range: index..<run, score: 0.9))
            }
        }
    }

    private func isStart(_ text: ScanBytes, _ index: Int) -> Bool {
        let before = text[index - 1]
        if Byte.isWord(before) { return false }
        return !((before == UInt8(ascii: "-") || before == UInt8(ascii: ".") || before == UInt8(ascii: " ")) && Byte.isDigit(text[index - 2]))
    }

    private func isEnd(_ text: ScanBytes, _ end: Int) -> Bool {
        let after = text[end]
        if Byte.isWord(after) { return false }
        return !((after == UInt8(ascii: "-") || after == UInt8(ascii: ".") || after == UInt8(ascii: " ")) && Byte.isDigit(text[end + 1]))
    }

    private func number(_ text: ScanBytes, _ start: Int, _ count: Int) -> Int {
        (start..<start + count).reduce(0) { $0 * 10 + Byte.digit(text[$1]) }
    }

    private func isValid(_ text: ScanBytes, area areaStart: Int, group groupStart: Int, serial serialStart: Int) -> Bool {
        let area = number(text, areaStart, 3)
        let group = number(text, groupStart, 2)
        let serial = number(text, serialStart, 4)
        guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return false }
        let samples: Set<Int> = [78_05_1120, 219_09_9999, 123_45_6789]
        return !samples.contains(area * 1_000_000 + group * 10_000 + serial)
    }

    /// Whether a label (`ssn`, `ss#`, `social security`) ends at most a few bytes before `start`.
    private func isLabelled(_ text: ScanBytes, before start: Int) -> Bool {
        var end = start
        while end > 0, end > start - 6, !Byte.isAlnum(text[end - 1]) { end -= 1 }
        let labels: [StaticString] = ["ssn", "ss", "social security", "social security number", "social security no"]
        for label in labels {
            let length = label.utf8CodeUnitCount
            if text.matchesFolded(label, at: end - length), !Byte.isAlpha(text[end - length - 1]) { return true }
        }
        return false
    }
}
