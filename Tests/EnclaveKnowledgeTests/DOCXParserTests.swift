import EnclaveKnowledge
import Foundation
import Testing

@Suite struct DOCXParserTests {
    @Test func paragraphsHeadingsAndTables() throws {
        let body = [
            TestDOCX.paragraph("Expense ", "Policy", style: "Title"),
            TestDOCX.paragraph("Scope", style: "Heading1"),
            TestDOCX.paragraph("Applies to ", "all staff &amp; contractors."),
            "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr><w:r><w:t>Name:</w:t><w:tab/><w:t>Value</w:t>"
                + "<w:br/><w:t>Second line</w:t></w:r></w:p>",
            TestDOCX.paragraph("Rates", style: "Heading2"),
            "<w:tbl><w:tblPr/><w:tr><w:tc><w:p><w:r><w:t>Item</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Cap</w:t></w:r></w:p></w:tc></w:tr>"
                + "<w:tr><w:tc><w:p><w:r><w:t>Hotel</w:t></w:r></w:p><w:p><w:r><w:t>per night</w:t></w:r></w:p></w:tc>"
                + "<w:tc><w:p><w:r><w:t>150</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
            "<w:p><w:r><w:delText>deleted words</w:delText></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>Kept.</w:t></w:r></w:p>",
            "<w:p/>",
        ].joined()
        let parsed = try DocumentParser().parse(try TestDOCX.make(body: body), fileName: "policy.docx")
        #expect(parsed.format == .docx)
        #expect(
            parsed.blocks == [
                .init(kind: .heading(level: 1), text: "Expense Policy"),
                .init(kind: .heading(level: 1), text: "Scope"),
                .init(kind: .paragraph, text: "Applies to all staff & contractors."),
                .init(kind: .paragraph, text: "Name: Value\nSecond line"),
                .init(kind: .heading(level: 2), text: "Rates"),
                .init(kind: .paragraph, text: "Item | Cap"),
                .init(kind: .paragraph, text: "Hotel per night | 150"),
                .init(kind: .paragraph, text: "Kept."),
            ]
        )
    }

    @Test func localisedHeadingStylesComeFromTheStylesPart() throws {
        let styles = """
            <w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>\
            <w:style w:type="paragraph" w:styleId="Kapitel"><w:name w:val="Kapitel"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>\
            <w:style w:type="paragraph" w:styleId="Standard"><w:name w:val="Normal"/></w:style>
            """
        let body = [
            TestDOCX.paragraph("Reisen", style: "berschrift1"),
            TestDOCX.paragraph("Bahn", style: "Kapitel"),
            TestDOCX.paragraph("Text.", style: "Standard"),
        ].joined()
        let blocks = try DocumentParser().parse(try TestDOCX.make(body: body, styles: styles), fileName: "reise.docx").blocks
        #expect(blocks.map(\.kind) == [.heading(level: 1), .heading(level: 2), .paragraph])
    }

    @Test func badArchivesAreMalformed() throws {
        #expect(throws: DocumentParseError.malformed("it is not a DOCX file (not a zip archive)")) {
            try DocumentParser().parse(Data("PK but not really a zip".utf8), fileName: "a.docx")
        }
        #expect(throws: DocumentParseError.malformed("it is not a DOCX file (not a zip archive)")) {
            try DocumentParser().parse(TestPDF.make(pages: [["x"]]), fileName: "a.docx")
        }
        #expect(throws: DocumentParseError.malformed("it is not a DOCX file (no word/document.xml)")) {
            try DocumentParser().parse(try TestDOCX.zip(["readme.txt": "hello"]), fileName: "a.docx")
        }
        let broken = try TestDOCX.zip(["word/document.xml": "<w:document><w:body><w:p>unclosed"])
        #expect(throws: DocumentParseError.malformed("its word/document.xml is not well-formed XML")) {
            try DocumentParser().parse(broken, fileName: "a.docx")
        }
        #expect(throws: DocumentParseError.empty) {
            try DocumentParser().parse(try TestDOCX.make(body: "<w:p/>" + TestDOCX.paragraph("Only a title", style: "Title")), fileName: "a.docx")
        }
    }
}
