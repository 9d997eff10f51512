import EnclaveKnowledge
import Foundation
import Testing

@Suite struct DocumentParserTests {
    @Test func formatsComeFromTheExtension() {
        #expect(DocumentParser.format(ofFileNamed: "a/b/Notes.MD") == .markdown)
        #expect(DocumentParser.format(ofFileNamed: "page.htm") == .html)
        #expect(DocumentParser.format(ofFileNamed: "x.pdf") == .pdf)
        #expect(DocumentParser.format(ofFileNamed: "x.docx") == .docx)
        #expect(DocumentParser.format(ofFileNamed: "x.doc") == nil)
        #expect(DocumentParser.format(ofFileNamed: "README") == nil)
    }

    @Test func plainTextSplitsOnBlankLines() throws {
        let parsed = try DocumentParser().parse(Data("one\n\ntwo\r\n\r\nthree".utf8), fileName: "a.txt")
        #expect(parsed.blocks.map(\.text) == ["one", "two", "three"])
    }

    @Test func byteOrderMarkIsDropped() throws {
        let parsed = try DocumentParser().parse(Data([0xEF, 0xBB, 0xBF]) + Data("# Title\n\nBody".utf8), fileName: "a.md")
        #expect(parsed.blocks.first == .init(kind: .heading(level: 1), text: "Title"))
    }

    @Test func badFilesSayWhy() {
        let parser = DocumentParser(maxBytes: 16)
        #expect(throws: DocumentParseError.unsupportedExtension("exe")) { try parser.parse(Data("x".utf8), fileName: "a.exe") }
        #expect(throws: DocumentParseError.unsupportedExtension("")) { try parser.parse(Data("x".utf8), fileName: "Makefile") }
        #expect(throws: DocumentParseError.tooLarge(bytes: 17, limit: 16)) { try parser.parse(Data(repeating: 65, count: 17), fileName: "a.txt") }
        #expect(throws: DocumentParseError.empty) { try parser.parse(Data(), fileName: "a.pdf") }
        #expect(throws: DocumentParseError.empty) { try parser.parse(Data(" \n\t\n".utf8), fileName: "a.txt") }
        #expect(throws: DocumentParseError.empty) { try DocumentParser().parse(Data("# Only\n## Headings".utf8), fileName: "a.md") }
        #expect(throws: DocumentParseError.binary) { try parser.parse(Data([0x41, 0, 0x42]), fileName: "a.txt") }
        #expect(throws: DocumentParseError.binary) { try parser.parse(Data([0x3C, 0x70, 0x3E, 0]), fileName: "a.html") }
        #expect(throws: DocumentParseError.invalidText) { try parser.parse(Data([0x41, 0xC3, 0x28]), fileName: "a.md") }
    }

    @Test func reasonsReadAsSentences() {
        #expect(DocumentParseError.malformed("it is not a PDF file").description == "the file is damaged: it is not a PDF file")
        #expect(DocumentParseError.noText("the PDF is encrypted").description == "the file has no text: the PDF is encrypted")
        #expect(DocumentParseError.unsupportedExtension("exe").description == "'.exe' is not a format ingestion reads (txt, md, html, pdf, docx)")
    }

    @Test func aBatchReportsEachBadFileAndParsesTheRest() throws {
        let files: [(String, Data)] = [
            ("good.md", Data("# A\n\nText.".utf8)),
            ("scan.pdf", Data("a text file renamed".utf8)),
            ("fake.docx", Data("not a zip".utf8)),
            ("empty.txt", Data()),
            ("page.html", Data("<p>Hello</p>".utf8)),
        ]
        let parser = DocumentParser()
        let outcomes = files.map { name, data in (name, Result { () throws(DocumentParseError) in try parser.parse(data, fileName: name) }) }
        let failures = outcomes.compactMap { name, result -> String? in
            if case .failure(let error) = result { return "\(name): \(error)" }
            return nil
        }
        #expect(
            failures == [
                "scan.pdf: the file is damaged: it is not a PDF file",
                "fake.docx: the file is damaged: it is not a DOCX file (not a zip archive)",
                "empty.txt: the file is empty",
            ]
        )
        #expect(outcomes.filter { (try? $0.1.get()) != nil }.map(\.0) == ["good.md", "page.html"])
    }
}
