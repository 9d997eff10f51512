// Enclave knowledge: Markdown.

public import Foundation

/// Markdown (CommonMark's block structure, simplified): ATX and setext headings, paragraphs, fenced and
/// indented code blocks kept verbatim, lists, block quotes and table rows as paragraphs, inline markup
/// stripped, front matter and link reference definitions dropped.
struct MarkdownParser {
    func parse(_ data: Data) throws(DocumentParseError) -> ParsedDocument {
        let text = try PlainTextParser.decode(data)
        var builder = Builder()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines = Self.droppingFrontMatter(lines)
        var index = 0
        while index < lines.count {
            index = builder.consume(lines, at: index)
        }
        builder.flushParagraph()
        guard !builder.blocks.isEmpty else { throw .empty }
        return ParsedDocument(format: .markdown, blocks: builder.blocks)
    }

    /// The lines without a leading YAML (`---`) or TOML (`+++`) front matter block.
    static func droppingFrontMatter(_ lines: [String]) -> [String] {
        guard let first = lines.first?.trimmingCharacters(in: .whitespaces), first == "---" || first == "+++" else { return lines }
        let closers: Set<String> = first == "---" ? ["---", "..."] : ["+++"]
        guard let end = lines.dropFirst().firstIndex(where: { closers.contains($0.trimmingCharacters(in: .whitespaces)) }) else {
            return lines
        }
        return Array(lines[(end + 1)...])
    }
}

extension MarkdownParser {
    /// The block-level state machine: one call to ``consume(_:at:)`` reads one construct.
    struct Builder {
        var blocks: [ParsedDocument.Block] = []
        /// The lines of the paragraph being read.
        private var paragraph: [String] = []
        /// Whether the paragraph being read is a list, a quote or a table (lines kept apart, never a setext heading).
        private var paragraphIsLineBased = false
        /// Whether the last construct was a list item, so indented lines continue it instead of starting code.
        private var inList = false

        mutating func flushParagraph() {
            defer {
                paragraph = []
                paragraphIsLineBased = false
            }
            let lines = paragraph.map { MarkdownInline.strip($0).collapsingWhitespace }.filter { !$0.isEmpty }
            guard !lines.isEmpty else { return }
            blocks.append(.init(kind: .paragraph, text: lines.joined(separator: paragraphIsLineBased ? "\n" : " ")))
        }

        /// Reads the construct starting at `index`; returns the index of the first line after it.
        mutating func consume(_ lines: [String], at index: Int) -> Int {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let indent = Self.indentation(of: line)

            if trimmed.isEmpty {
                flushParagraph()
                return index + 1
            }
            if indent >= 4 {
                if inList || (!paragraph.isEmpty && !paragraphIsLineBased) {
                    paragraph.append(trimmed)
                    return index + 1
                }
                flushParagraph()
                return readIndentedCode(lines, from: index)
            }
            if let fence = Self.fence(trimmed), indent < 4 {
                flushParagraph()
                inList = false
                return readFencedCode(lines, from: index, fence: fence, indent: indent)
            }
            if let (level, title) = Self.atxHeading(trimmed) {
                flushParagraph()
                inList = false
                appendHeading(level: level, title)
                return index + 1
            }
            if !paragraph.isEmpty, !paragraphIsLineBased, let level = Self.setextLevel(trimmed) {
                let title = paragraph.joined(separator: " ")
                paragraph = []
                appendHeading(level: level, title)
                return index + 1
            }
            if Self.isThematicBreak(trimmed) || Self.isLinkReferenceDefinition(trimmed) {
                flushParagraph()
                return index + 1
            }
            if let item = Self.listItem(trimmed) {
                if !paragraphIsLineBased { flushParagraph() }
                paragraphIsLineBased = true
                inList = true
                paragraph.append(item)
                return index + 1
            }
            if trimmed.hasPrefix(">") {
                if !paragraphIsLineBased { flushParagraph() }
                paragraphIsLineBased = true
                inList = false
                var quoted = trimmed
                while quoted.hasPrefix(">") { quoted = String(quoted.dropFirst()).trimmingCharacters(in: .whitespaces) }
                if let (_, title) = Self.atxHeading(quoted) { quoted = title }
                paragraph.append(quoted)
                return index + 1
            }
            if trimmed.hasPrefix("|") {
                if !paragraphIsLineBased { flushParagraph() }
                paragraphIsLineBased = true
                if let row = Self.tableRow(trimmed) { paragraph.append(row) }
                return index + 1
            }
            if paragraphIsLineBased {
                if inList {
                    // A lazy continuation of the list item.
                    paragraph[paragraph.count - 1] += " " + trimmed
                    return index + 1
                }
                flushParagraph()
            }
            inList = false
            paragraph.append(trimmed)
            return index + 1
        }

        private mutating func appendHeading(level: Int, _ title: String) {
            let text = MarkdownInline.strip(title).collapsingWhitespace
            guard !text.isEmpty else { return }
            blocks.append(.init(kind: .heading(level: level), text: text))
        }

        private mutating func readFencedCode(_ lines: [String], from start: Int, fence: (marker: Character, length: Int), indent: Int) -> Int {
            var body: [String] = []
            var index = start + 1
            while index < lines.count {
                let candidate = lines[index].trimmingCharacters(in: .whitespaces)
                if Self.indentation(of: lines[index]) < 4, let closing = Self.fence(candidate), closing.marker == fence.marker,
                    closing.length >= fence.length, candidate.allSatisfy({ $0 == fence.marker })
                {
                    index += 1
                    break
                }
                body.append(Self.removingIndentation(lines[index], upTo: indent))
                index += 1
            }
            appendCode(body)
            return index
        }

        private mutating func readIndentedCode(_ lines: [String], from start: Int) -> Int {
            var body: [String] = []
            var index = start
            while index < lines.count {
                let line = lines[index]
                if line.trimmingCharacters(in: .whitespaces).isEmpty {
                    body.append("")
                } else if Self.indentation(of: line) >= 4 {
                    body.append(Self.removingIndentation(line, upTo: 4))
                } else {
                    break
                }
                index += 1
            }
            appendCode(body)
            return index
        }

        private mutating func appendCode(_ body: [String]) {
            var lines = body
            while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
            while lines.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeFirst() }
            guard !lines.isEmpty else { return }
            blocks.append(.init(kind: .code, text: lines.joined(separator: "\n")))
        }
    }
}
