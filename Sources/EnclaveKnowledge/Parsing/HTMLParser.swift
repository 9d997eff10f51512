// Enclave knowledge: HTML, text only.

public import Foundation

/// HTML, text only: headings `h1`–`h6`, `pre` as code, paragraphs from `p`, `li`, table rows, `dt`/`dd`,
/// `blockquote` and `div` text. Scripts, styles, navigation, page headers and footers, asides, forms and
/// Sphinx's sidebars and permalinks are dropped. `<title>` becomes a level-1 heading only when the page
/// has no `h1`.
struct HTMLParser {
    /// Elements dropped with everything inside them.
    static let droppedElements: Set<String> = [
        "script", "style", "noscript", "template", "svg", "math", "nav", "header", "footer", "aside", "form", "head",
        "iframe", "object", "canvas", "button", "select", "textarea", "dialog", "menu",
    ]
    /// `role` values of elements dropped with their contents.
    static let droppedRoles: Set<String> = ["navigation", "search", "banner", "contentinfo", "complementary"]
    /// `class` names of elements dropped with their contents (documentation generators' chrome).
    static let droppedClasses: Set<String> = ["headerlink", "sphinxsidebar", "footer", "navbar", "breadcrumbs", "skip-link"]
    /// Elements that start and end a paragraph.
    static let blockElements: Set<String> = [
        "p", "div", "li", "dt", "dd", "blockquote", "section", "article", "main", "ul", "ol", "dl", "table", "thead", "tbody",
        "tfoot", "caption", "figure", "figcaption", "address", "center", "details", "summary", "hr", "br", "body", "html",
        "fieldset", "legend",
    ]
    /// Elements that never have contents or an end tag.
    static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ]

    func parse(_ data: Data) throws(DocumentParseError) -> ParsedDocument {
        let html = try Self.decode(data)
        var builder = Builder()
        for token in HTMLTokenizer(html).tokens() {
            builder.consume(token)
        }
        let blocks = builder.finish()
        guard !blocks.isEmpty else { throw .empty }
        return ParsedDocument(format: .html, blocks: blocks)
    }
}

extension HTMLParser {
    /// The page as text: UTF-8, or Windows-1252 (which includes ISO 8859-1) when the bytes are not UTF-8
    /// and the page declares one of those charsets in its first kilobyte, as older pages do.
    static func decode(_ data: Data) throws(DocumentParseError) -> String {
        do {
            return try PlainTextParser.decode(data)
        } catch .invalidText {
            let head = String(decoding: data.prefix(1024), as: UTF8.self).lowercased()
            let legacy = ["iso-8859-1", "windows-1252", "latin1", "latin-1", "us-ascii"].contains {
                head.contains("charset=\($0)") || head.contains("charset=\"\($0)")
            }
            guard legacy, let text = String(data: data, encoding: .windowsCP1252) else { throw .invalidText }
            return text.replacingOccurrences(of: "\r\n", with: "\n")
        }
    }

    /// Walks the tokens with a stack of open elements, tolerating unclosed and stray tags.
    struct Builder {
        private struct Element {
            var name: String
            var dropped: Bool
        }

        private var blocks: [ParsedDocument.Block] = []
        private var stack: [Element] = []
        private var droppedDepth = 0
        private var buffer = ""
        private var headingLevel: Int?
        private var preDepth = 0
        private var rowCells: [String]?
        private var title: String?
        private var inTitle = false
        private var sawH1 = false

        mutating func consume(_ token: HTMLTokenizer.Token) {
            switch token {
            case .text(let text):
                if inTitle {
                    if title == nil, !stack.contains(where: { $0.name == "svg" }) { title = text }
                } else if droppedDepth == 0 {
                    buffer += text
                }
            case .start(let name, let attributes, let selfClosing):
                start(name, attributes: attributes, selfClosing: selfClosing)
            case .end(let name):
                end(name)
            }
        }

        mutating func finish() -> [ParsedDocument.Block] {
            while let element = stack.popLast() { close(element) }
            flushParagraph()
            if !sawH1, let title = title.map({ HTMLEntities.decode($0).collapsingWhitespace }), !title.isEmpty {
                blocks.insert(.init(kind: .heading(level: 1), text: title), at: 0)
            }
            return blocks
        }

        private mutating func start(_ name: String, attributes: [String: String], selfClosing: Bool) {
            if name == "title" {
                inTitle = true
                return
            }
            let dropped = Self.isDropped(name, attributes: attributes)
            if droppedDepth == 0, !dropped {
                if let level = Self.headingLevel(name) {
                    flushParagraph()
                    headingLevel = level
                } else if name == "pre" {
                    flushParagraph()
                    preDepth += 1
                } else if name == "tr" {
                    finishRow()
                    rowCells = []
                } else if name == "td" || name == "th" {
                    finishCell()
                } else if HTMLParser.blockElements.contains(name) {
                    flushParagraph()
                }
            }
            guard !HTMLParser.voidElements.contains(name), !selfClosing else { return }
            stack.append(Element(name: name, dropped: dropped))
            if dropped { droppedDepth += 1 }
        }

        private mutating func end(_ name: String) {
            if name == "title" {
                inTitle = false
                return
            }
            guard let index = stack.lastIndex(where: { $0.name == name }) else {
                if name == "br" || name == "p" { flushParagraph() }
                return
            }
            while stack.count > index {
                close(stack.removeLast())
            }
        }

        private mutating func close(_ element: Element) {
            if element.dropped {
                droppedDepth -= 1
                return
            }
            guard droppedDepth == 0 else { return }
            if Self.headingLevel(element.name) != nil {
                flushParagraph()
            } else if element.name == "pre" {
                preDepth -= 1
                if preDepth == 0 { flushCode() }
            } else if element.name == "td" || element.name == "th" {
                finishCell()
            } else if element.name == "tr" || element.name == "table" {
                finishRow()
            } else if HTMLParser.blockElements.contains(element.name) {
                flushParagraph()
            }
        }

        /// Ends the text being gathered: a heading, a paragraph, or (inside a table row) a space.
        private mutating func flushParagraph() {
            guard preDepth == 0 else { return }
            if rowCells != nil, headingLevel == nil {
                buffer += " "
                return
            }
            let text = HTMLEntities.decode(buffer).collapsingWhitespace
            buffer = ""
            if let level = headingLevel {
                headingLevel = nil
                let heading = Self.removingPermalinks(text)
                guard !heading.isEmpty else { return }
                if level == 1 { sawH1 = true }
                blocks.append(.init(kind: .heading(level: level), text: heading))
            } else if !text.isEmpty {
                blocks.append(.init(kind: .paragraph, text: text))
            }
        }

        private mutating func flushCode() {
            var lines = HTMLEntities.decode(buffer).split(separator: "\n", omittingEmptySubsequences: false).map { line in
                String(line.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            }
            buffer = ""
            while lines.first?.isEmpty == true { lines.removeFirst() }
            while lines.last?.isEmpty == true { lines.removeLast() }
            guard !lines.isEmpty else { return }
            blocks.append(.init(kind: .code, text: lines.joined(separator: "\n")))
        }

        private mutating func finishCell() {
            guard rowCells != nil else { return }
            let cell = HTMLEntities.decode(buffer).collapsingWhitespace
            buffer = ""
            if !cell.isEmpty { rowCells?.append(cell) }
        }

        private mutating func finishRow() {
            guard rowCells != nil else { return }
            finishCell()
            let row = (rowCells ?? []).joined(separator: " | ")
            rowCells = nil
            if !row.isEmpty { blocks.append(.init(kind: .paragraph, text: row)) }
        }

        private static func headingLevel(_ name: String) -> Int? {
            guard name.count == 2, name.first == "h", let level = Int(name.dropFirst()), (1...6).contains(level) else { return nil }
            return level
        }

        private static func isDropped(_ name: String, attributes: [String: String]) -> Bool {
            if HTMLParser.droppedElements.contains(name) { return true }
            if attributes["hidden"] != nil || attributes["aria-hidden"] == "true" { return true }
            if let role = attributes["role"]?.lowercased(), HTMLParser.droppedRoles.contains(role) { return true }
            if let classes = attributes["class"] {
                return classes.split(whereSeparator: \.isWhitespace).contains { HTMLParser.droppedClasses.contains(String($0)) }
            }
            return false
        }

        /// A heading without the permalink marks documentation generators append (`¶`, `#`, `🔗`).
        private static func removingPermalinks(_ heading: String) -> String {
            var text = heading
            while let last = text.last, last == "¶" || last == "🔗" || last == "§" || last.isWhitespace { text.removeLast() }
            return text
        }
    }
}
