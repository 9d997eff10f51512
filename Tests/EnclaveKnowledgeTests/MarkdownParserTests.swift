import EnclaveKnowledge
import Foundation
import Testing

@Suite struct MarkdownParserTests {
    private func parse(_ markdown: String) throws -> [ParsedDocument.Block] {
        try DocumentParser().parse(Data(markdown.utf8), fileName: "doc.md").blocks
    }

    @Test func headingsParagraphsAndCodeKeepTheirStructure() throws {
        let markdown = """
            ---
            title: Handbook
            tags: [internal]
            ---
            # Onboarding #

            Welcome to the **team**. This line
            wraps onto the next.

            Setup
            -----

            ```swift
            let x = **not emphasis**
                indented()

            // blank line above is kept
            ```

                make install
                make test

            ### Notes
            Plain.
            """
        let blocks = try parse(markdown)
        #expect(
            blocks == [
                .init(kind: .heading(level: 1), text: "Onboarding"),
                .init(kind: .paragraph, text: "Welcome to the team. This line wraps onto the next."),
                .init(kind: .heading(level: 2), text: "Setup"),
                .init(kind: .code, text: "let x = **not emphasis**\n    indented()\n\n// blank line above is kept"),
                .init(kind: .code, text: "make install\nmake test"),
                .init(kind: .heading(level: 3), text: "Notes"),
                .init(kind: .paragraph, text: "Plain."),
            ]
        )
    }

    @Test func setextLevelOneAndThematicBreaks() throws {
        let blocks = try parse("Title\n=====\n\nText one.\n\n---\n\nText two.\n")
        #expect(blocks.map(\.kind) == [.heading(level: 1), .paragraph, .paragraph])
        #expect(blocks.map(\.text) == ["Title", "Text one.", "Text two."])
    }

    @Test func inlineMarkupIsStrippedToItsText() throws {
        let markdown = """
            See [the guide](https://example.com/guide "Guide") and ![diagram](img.png) the *important* __bits__, \
            ~~old~~ new, `a * b` in code, snake_case_name stays, 2 * 3 * 4 too, \\*literal\\*, &amp; &copy; <span>tag</span>, \
            a [reference][ref] link, <https://example.com/auto>.

            [ref]: https://example.com/ref
            """
        let blocks = try parse(markdown)
        #expect(blocks.count == 1)
        #expect(
            blocks.first?.text
                == "See the guide and the important bits, old new, a * b in code, snake_case_name stays, 2 * 3 * 4 too, *literal*, & © tag, a reference link, https://example.com/auto."
        )
    }

    @Test func listsQuotesAndTablesBecomeParagraphs() throws {
        let markdown = """
            Intro:

            - first item
              continues here
            - [x] done task
            1. ordered **one**

            > Quoted wisdom
            > on two lines.

            | Name | Role |
            |------|:----:|
            | Ana  | Lead |
            """
        let blocks = try parse(markdown)
        #expect(
            blocks.map(\.text) == [
                "Intro:",
                "- first item continues here\n- done task\n1. ordered one",
                "Quoted wisdom\non two lines.",
                "Name | Role\nAna | Lead",
            ]
        )
        #expect(blocks.allSatisfy { $0.kind == .paragraph })
    }

    @Test func unclosedFenceRunsToTheEnd() throws {
        let blocks = try parse("# A\n\n~~~\ncode line\n# not a heading\n")
        #expect(blocks.last == .init(kind: .code, text: "code line\n# not a heading"))
    }

    @Test func frontMatterAloneIsEmpty() {
        #expect(throws: DocumentParseError.empty) { try DocumentParser().parse(Data("---\na: 1\n---\n\n".utf8), fileName: "x.markdown") }
    }
}
