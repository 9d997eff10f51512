// Enclave guardrails: e-mail addresses.

/// Finds e-mail addresses: a local part of letters, digits and `._%+-` (not starting or ending with a dot),
/// `@`, and a domain of at least two labels whose last is alphabetic (2-24 letters).
///
/// Not reported: `@handles`, `npm@1.2.3`-style versions, retina file names (`icon@2x.png`: the "domain" ends
/// in a file extension), and the user-and-password part of a URL (`postgres://user:pw@host`: the secret
/// detector reports the password).
///
/// ```swift
/// EmailDetector().findings(in: "mail ana@example.org", entities: [.emailAddress])
/// ```
public struct EmailDetector: ByteDetector {
    /// Creates the detector.
    public init() {}

    var reportedEntities: [GuardEntity] { [.emailAddress] }

    /// The e-mail addresses in `text`.
    public func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        resolvedFindings(in: text, entities: entities)
    }

    /// File extensions that follow `@2x` and the like: never a top-level domain in practice.
    static let fileExtensions: Set<String> = [
        "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "pdf", "js", "ts", "css", "html", "json", "txt",
        "md", "py", "swift", "mp4", "mp3", "wav", "zip", "gz", "tar", "exe", "dll", "so", "yml", "yaml", "lock",
    ]

    func scan(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        var at = 0
        while at < text.count {
            guard text[at] == UInt8(ascii: "@") else {
                at += 1
                continue
            }
            defer { at += 1 }
            let rawStart = text.runStart(before: at, limit: 64, while: Self.isLocal)
            guard !Self.isLocal(text[rawStart - 1]) else { continue }
            let before = text[rawStart - 1]
            var start = rawStart
            while start < at, text[start] == UInt8(ascii: ".") { start += 1 }
            guard start < at, text[at - 1] != UInt8(ascii: ".") else { continue }
            if before == UInt8(ascii: ":") && !text.matchesFolded("mailto:", at: rawStart - 7) { continue }
            if before == UInt8(ascii: "/") || before == UInt8(ascii: "@") { continue }
            guard let end = domainEnd(text, from: at + 1) else { continue }
            findings.append(GuardFinding(entity: .emailAddress, range: start..<end))
            at = end - 1
        }
    }

    /// The end of a valid domain starting at `start`, or nil.
    private func domainEnd(_ text: ScanBytes, from start: Int) -> Int? {
        var index = start
        var labels = 0
        var lastLabel = start..<start
        var end = start
        while true {
            let labelStart = index
            index = text.runEnd(from: index, limit: 63) { Byte.isAlnum($0) || $0 == UInt8(ascii: "-") }
            guard index > labelStart, text[labelStart] != UInt8(ascii: "-"), text[index - 1] != UInt8(ascii: "-") else { break }
            labels += 1
            lastLabel = labelStart..<index
            end = index
            guard text[index] == UInt8(ascii: "."), Byte.isAlnum(text[index + 1]) else { break }
            index += 1
        }
        guard labels >= 2, Byte.isWord(text[end]) == false, text[end] != UInt8(ascii: "@") else { return nil }
        // `git@github.com:org/repo.git` is an SSH remote, not a mailbox.
        if text[end] == UInt8(ascii: ":"), Byte.isAlnum(text[end + 1]) { return nil }
        let tld = lastLabel
        guard (2...24).contains(tld.count), (tld.lowerBound..<tld.upperBound).allSatisfy({ Byte.isAlpha(text[$0]) }) else { return nil }
        let lowered = String(decoding: (tld.lowerBound..<tld.upperBound).map { Byte.lower(text[$0]) }, as: UTF8.self)
        guard !Self.fileExtensions.contains(lowered) else { return nil }
        return end
    }

    @inline(__always) static func isLocal(_ byte: UInt8) -> Bool {
        Byte.isAlnum(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "%")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }
}
