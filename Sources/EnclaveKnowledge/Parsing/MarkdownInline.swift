// Enclave knowledge: Markdown's inline markup, stripped to its text.

import Foundation

/// Strips Markdown's inline markup: emphasis and strike-through lose their delimiters, links keep their
/// text, images and footnote references are dropped, code spans keep their text verbatim, inline HTML
/// tags are dropped and entities decoded.
enum MarkdownInline {
    /// The text of one line or paragraph of Markdown.
    static func strip(_ markdown: String) -> String {
        let escaped = protectingEscapes(markdown)
        var result = ""
        for segment in codeSegments(escaped) {
            result += segment.isCode ? segment.text : stripMarkup(segment.text)
        }
        return restoringEscapes(result)
    }

    // Backslash-escaped punctuation is moved to the private use area while markup is stripped, so that
    // `\*` is never taken for emphasis, then moved back.
    private static let escapeBase: UInt32 = 0xF0000

    private static func protectingEscapes(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\\" else {
                result.append(scalar)
                continue
            }
            guard let next = scalars.next() else {
                result.append(scalar)
                break
            }
            if next.isASCII, next.properties.isPatternSyntax, let protected = Unicode.Scalar(escapeBase + next.value) {
                result.append(protected)
            } else {
                result.append(scalar)
                result.append(next)
            }
        }
        return String(result)
    }

    private static func restoringEscapes(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value >= escapeBase, scalar.value < escapeBase + 128, let plain = Unicode.Scalar(scalar.value - escapeBase) {
                result.append(plain)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// The text cut into code spans (a run of backticks to the next run of the same length) and the rest.
    private static func codeSegments(_ text: String) -> [(text: String, isCode: Bool)] {
        guard text.contains("`") else { return [(text, false)] }
        var segments: [(text: String, isCode: Bool)] = []
        var plain = ""
        var index = text.startIndex
        while index < text.endIndex {
            guard text[index] == "`" else {
                plain.append(text[index])
                index = text.index(after: index)
                continue
            }
            let run = text[index...].prefix { $0 == "`" }
            let opener = String(run)
            let afterOpener = run.endIndex
            if let close = closingRun(of: opener, in: text, from: afterOpener) {
                if !plain.isEmpty { segments.append((plain, false)) }
                plain = ""
                var code = String(text[afterOpener..<close.lowerBound])
                if code.count > 1, code.hasPrefix(" "), code.hasSuffix(" ") { code = String(code.dropFirst().dropLast()) }
                segments.append((code, true))
                index = close.upperBound
            } else {
                plain += opener
                index = afterOpener
            }
        }
        if !plain.isEmpty { segments.append((plain, false)) }
        return segments
    }

    /// The range of the next run of backticks exactly as long as `opener`.
    private static func closingRun(of opener: String, in text: String, from start: String.Index) -> Range<String.Index>? {
        var index = start
        while index < text.endIndex {
            if text[index] == "`" {
                let run = text[index...].prefix { $0 == "`" }
                if run.count == opener.count { return index..<run.endIndex }
                index = run.endIndex
            } else {
                index = text.index(after: index)
            }
        }
        return nil
    }

    private static let rules: [(NSRegularExpression, String)] = [
        (#"<!--.*?-->"#, ""),
        (#"!\[[^\]]*\]\([^)]*\)"#, ""),
        (#"!\[[^\]]*\]\[[^\]]*\]"#, ""),
        (#"\[\^[^\]]+\]"#, ""),
        (#"\[([^\]]*)\]\([^)]*\)"#, "$1"),
        (#"\[([^\]]+)\]\[[^\]]*\]"#, "$1"),
        (#"<((?:https?|mailto|ftp):[^>\s]+)>"#, "$1"),
        (#"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"#, ""),
        (#"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"#, "$2"),
        (#"~~(?=\S)(.+?)(?<=\S)~~"#, "$1"),
        (#"\*(?=[^\s*])(.+?)(?<=[^\s*])\*"#, "$1"),
        (#"(?<![\p{L}\p{N}_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\p{L}\p{N}_])"#, "$1"),
    ].map { pattern, template in
        // The patterns are constants; a typo is a programming error caught by the tests.
        (try! NSRegularExpression(pattern: pattern), template)
    }

    private static func stripMarkup(_ text: String) -> String {
        var result = text
        for (expression, template) in rules {
            // Emphasis nests (`**a *b***`): apply each rule until it no longer changes the text.
            for _ in 0..<4 {
                let range = NSRange(result.startIndex..., in: result)
                let replaced = expression.stringByReplacingMatches(in: result, range: range, withTemplate: template)
                if replaced == result { break }
                result = replaced
            }
        }
        return HTMLEntities.decode(result)
    }
}
