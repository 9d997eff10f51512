// Enclave guardrails: what a placeholder looks like, found and written on UTF-8 bytes.

/// The placeholder syntax, `[LABEL_N]`: an upper-case label (letters and `_`, from
/// ``GuardEntity/placeholderLabel``), an underscore and a decimal number from 1, in square brackets.
///
/// Any text of that shape counts as placeholder-shaped, whether the vault wrote it or the user typed it.
enum PlaceholderSyntax {
    /// The longest placeholder looked for, brackets included.
    static let maximumLength = 48

    static let open: UInt8 = 0x5B  // [
    static let close: UInt8 = 0x5D  // ]

    /// `[LABEL_N]`.
    static func format(label: String, number: Int) -> String { "[\(label)_\(number)]" }

    /// Whether `byte` can appear between the brackets.
    static func isBodyByte(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x5F
    }

    /// Whether `body` (the bytes between the brackets) is `LABEL_N`.
    static func isPlaceholderBody(_ body: ArraySlice<UInt8>) -> Bool {
        guard let first = body.first, (0x41...0x5A).contains(first), let underscore = body.lastIndex(of: 0x5F) else { return false }
        let label = body[body.startIndex..<underscore]
        let digits = body[(underscore + 1)...]
        return !digits.isEmpty && digits.allSatisfy { (0x30...0x39).contains($0) }
            && label.allSatisfy { (0x41...0x5A).contains($0) || $0 == 0x5F }
    }

    /// The ranges of every placeholder-shaped text in `bytes[range]`, in order.
    static func occurrences(in bytes: [UInt8], _ range: Range<Int>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = range.lowerBound
        while index < range.upperBound {
            guard bytes[index] == open else {
                index += 1
                continue
            }
            var end = index + 1
            while end < range.upperBound, end - index < maximumLength, isBodyByte(bytes[end]) { end += 1 }
            if end < range.upperBound, bytes[end] == close, isPlaceholderBody(bytes[(index + 1)..<end]) {
                found.append(index..<(end + 1))
                index = end + 1
            } else {
                index = max(end, index + 1)
            }
        }
        return found
    }

    /// Where a placeholder may be starting at the end of `bytes`: the offset of a trailing `[` followed only
    /// by body bytes, within ``maximumLength``; `nil` if there is none.
    static func openStart(in bytes: [UInt8]) -> Int? {
        let floor = max(0, bytes.count - maximumLength)
        var index = bytes.count
        while index > floor {
            index -= 1
            let byte = bytes[index]
            if byte == open { return index }
            if !isBodyByte(byte) { return nil }
        }
        return nil
    }
}
