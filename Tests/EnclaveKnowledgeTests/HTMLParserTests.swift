import EnclaveKnowledge
import Foundation
import Testing

@Suite struct HTMLParserTests {
    private func parse(_ html: String) throws -> ParsedDocument {
        try DocumentParser().parse(Data(html.utf8), fileName: "page.html")
    }

    @Test func chromeIsDroppedAndStructureKept() throws {
        let html = """
            <!DOCTYPE html>
            <html><head><title>Ignored &amp; unused</title>
            <style>body { color: red }</style>
            <script>var secret = "<p>not text</p>";</script></head>
            <body>
            <header><a href="/">Home</a></header>
            <nav><ul><li>Menu one<li>Menu two</ul></nav>
            <div role="navigation">Breadcrumbs</div>
            <!-- a comment <p>hidden</p> -->
            <main>
            <h1>Travel   policy<a class="headerlink" href="#t">¶</a></h1>
            <p>Book trains   first;
               flights need&nbsp;approval &mdash; always &#x2014; &#8220;quoted&#8221;.
            <p>Unclosed paragraph two.</p>
            <h2 id="x">Limits</h2>
            <ul><li>Hotels: &euro;150<li>Meals: &lt;&gt; &unknown; ok</ul>
            <table><tr><th>Item</th><th>Cap</th></tr><tr><td>Taxi</td><td><p>40</p></td></tr></table>
            <pre><code>  indented  code
            second &lt;line&gt;</code></pre>
            <blockquote>Quote text.</blockquote>
            <dl><dt>Term</dt><dd>Definition.</dd></dl>
            <div>Loose <b>div</b> text<br>after a break</div>
            <form><label>Search</label><input name="q"></form>
            <aside>Related links</aside>
            <noscript>Enable JavaScript</noscript><template><p>tpl</p></template><svg><title>icon</title><text>svg</text></svg>
            </main>
            <footer>Copyright</footer>
            </body></html>
            """
        let blocks = try parse(html).blocks
        #expect(
            blocks == [
                .init(kind: .heading(level: 1), text: "Travel policy"),
                .init(kind: .paragraph, text: "Book trains first; flights need approval — always — “quoted”."),
                .init(kind: .paragraph, text: "Unclosed paragraph two."),
                .init(kind: .heading(level: 2), text: "Limits"),
                .init(kind: .paragraph, text: "Hotels: €150"),
                .init(kind: .paragraph, text: "Meals: <> &unknown; ok"),
                .init(kind: .paragraph, text: "Item | Cap"),
                .init(kind: .paragraph, text: "Taxi | 40"),
                .init(kind: .code, text: "  indented  code\nsecond <line>"),
                .init(kind: .paragraph, text: "Quote text."),
                .init(kind: .paragraph, text: "Term"),
                .init(kind: .paragraph, text: "Definition."),
                .init(kind: .paragraph, text: "Loose div text"),
                .init(kind: .paragraph, text: "after a break"),
            ]
        )
    }

    @Test func titleStandsInForAMissingH1() throws {
        let blocks = try parse("<html><head><title>Expense  guide</title></head><body><h2>Receipts</h2><p>Keep them.</p></body></html>").blocks
        #expect(blocks.first == .init(kind: .heading(level: 1), text: "Expense guide"))
        #expect(blocks.count == 3)
    }

    @Test func tolerantOfBrokenMarkup() throws {
        let blocks = try parse("<p class=intro data-x='1' disabled>Unquoted <i>attrs<p>a < b and c > d<div>unclosed <span>tail").blocks
        #expect(blocks.map(\.text) == ["Unquoted attrs", "a < b and c > d", "unclosed tail"])
    }

    @Test func legacyCharsetIsReadWhenDeclared() throws {
        let latin1 =
            Data("<meta charset=\"iso-8859-1\"><p>Caf".utf8) + Data([0xE9]) + Data(" cr".utf8) + Data([0xE8, 0x6D, 0x65]) + Data("</p>".utf8)
        #expect(try DocumentParser().parse(latin1, fileName: "old.html").blocks.map(\.text) == ["Café crème"])
        let undeclared = Data("<p>Caf".utf8) + Data([0xE9]) + Data("</p>".utf8)
        #expect(throws: DocumentParseError.invalidText) { try DocumentParser().parse(undeclared, fileName: "old.html") }
    }

    @Test func pageOfOnlyChromeIsEmpty() {
        #expect(throws: DocumentParseError.empty) {
            try parse("<html><head><title></title></head><body><nav>Menu</nav><script>x()</script></body></html>")
        }
    }

    static let pythonDocs = "/usr/share/doc/python3.11/html/library/json.html"

    // Debian's python3.11-doc (installed by .ci/run): a real Sphinx page with sidebars, related-links bars,
    // permalinks and scripts.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: pythonDocs)))
    func realSphinxPageKeepsTheArticleOnly() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.pythonDocs))
        let parsed = try DocumentParser().parse(data, fileName: "json.html")
        let headings = parsed.blocks.filter { if case .heading = $0.kind { true } else { false } }.map(\.text)
        #expect(headings.first == "json — JSON encoder and decoder")
        #expect(headings.contains("Basic Usage"))
        #expect(headings.contains("Encoders and Decoders"))
        #expect(headings.contains("Command Line Interface"))
        let all = parsed.blocks.map(\.text).joined(separator: "\n")
        #expect(!all.contains("¶"))
        for chrome in [
            "Table of Contents", "Previous topic", "Next topic", "This Page", "Show Source", "Quick search", "Navigation", "documentation_options",
        ] {
            #expect(!all.contains(chrome), "kept navigation text \(chrome)")
        }
        #expect(parsed.blocks.contains { $0.kind == .code && $0.text.contains(">>> import json") })
        #expect(parsed.blocks.contains { $0.kind == .paragraph && $0.text.contains("JSON (JavaScript Object Notation)") })
        #expect(parsed.blocks.allSatisfy { !$0.text.isEmpty && $0.text == $0.text.trimmingCharacters(in: .whitespacesAndNewlines) })
    }
}
