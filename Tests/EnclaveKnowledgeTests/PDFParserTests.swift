import EnclaveKnowledge
import Foundation
import Testing

// Serialized: temporaryFilesAreRemoved watches the temporary directory the other tests write to.
@Suite(.serialized) struct PDFParserTests {
    @Test func textOfEachPageKeepsItsPage() throws {
        let data = TestPDF.make(pages: [["Quarterly report.", "Revenue grew in the north."], ["Second page (final) text."]])
        let parsed = try DocumentParser().parse(data, fileName: "report.PDF")
        #expect(parsed.format == .pdf)
        #expect(parsed.pageCount == 2)
        #expect(parsed.blocks.map(\.page) == [1, 2])
        #expect(parsed.blocks.map(\.text) == ["Quarterly report. Revenue grew in the north.", "Second page (final) text."])
        #expect(parsed.blocks.allSatisfy { $0.kind == .paragraph })
    }

    @Test func pagesWithoutTextAreCountedButYieldNoBlocks() throws {
        let data = TestPDF.make(pages: [[], ["Only the second page has words."]])
        let parsed = try DocumentParser().parse(data, fileName: "mixed.pdf")
        #expect(parsed.pageCount == 2)
        #expect(parsed.blocks.map(\.page) == [2])
    }

    @Test func imageOnlyPDFSaysToRunOCR() {
        let data = TestPDF.make(pages: [[], []])
        #expect(throws: DocumentParseError.noText("the PDF has no text layer (scanned images?); run OCR first")) {
            try DocumentParser().parse(data, fileName: "scan.pdf")
        }
    }

    @Test func encryptedPDFIsNamedSo() throws {
        let data = try TestPDF.fixture("encrypted.pdf")
        #expect(throws: DocumentParseError.noText("the PDF is encrypted")) { try DocumentParser().parse(data, fileName: "locked.pdf") }
    }

    @Test func damagedAndMislabelledFilesAreMalformed() throws {
        #expect(throws: DocumentParseError.malformed("it is not a PDF file")) {
            try DocumentParser().parse(Data("just some text".utf8), fileName: "notes.pdf")
        }
        let damaged = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without a trailer".utf8)
        do {
            _ = try DocumentParser().parse(damaged, fileName: "broken.pdf")
            Issue.record("a damaged PDF parsed")
        } catch {
            #expect(error.description.hasPrefix("the file is damaged: pdftotext could not read it"))
        }
        // A truncated copy of a valid file: poppler may recover the first page or fail; either way it is not a crash.
        let truncated = TestPDF.make(pages: [["Truncated page."]]).prefix(200)
        #expect(throws: DocumentParseError.self) { try DocumentParser().parse(Data(truncated), fileName: "cut.pdf") }
    }

    @Test func missingPdftotextSaysWhatToInstall() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-tools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        var parser = DocumentParser()
        parser.toolSearchPath = [empty.path]
        #expect(throws: DocumentParseError.toolMissing("PDF needs poppler's pdftotext: apt-get install poppler-utils")) {
            try parser.parse(TestPDF.make(pages: [["Text."]]), fileName: "a.pdf")
        }
        #expect(
            DocumentParseError.toolMissing("PDF needs poppler's pdftotext: apt-get install poppler-utils").description
                == "PDF needs poppler's pdftotext: apt-get install poppler-utils"
        )
    }

    @Test func aToolThatHangsIsStopped() throws {
        let tools = FileManager.default.temporaryDirectory.appendingPathComponent("slow-tools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tools) }
        let script = tools.appendingPathComponent("pdftotext")
        try Data("#!/bin/sh\nexec sleep 30\n".utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        var parser = DocumentParser()
        parser.toolSearchPath = [tools.path]
        parser.toolTimeout = .milliseconds(300)
        let started = ContinuousClock.now
        do {
            _ = try parser.parse(TestPDF.make(pages: [["Text."]]), fileName: "slow.pdf")
            Issue.record("a hanging pdftotext was waited for")
        } catch {
            #expect(error.description.hasPrefix("the file is damaged: reading its text took longer than"))
        }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func temporaryFilesAreRemoved() throws {
        let before = try Self.leftovers()
        _ = try DocumentParser().parse(TestPDF.make(pages: [["Clean up after me."]]), fileName: "a.pdf")
        _ = try? DocumentParser().parse(TestPDF.make(pages: [[]]), fileName: "b.pdf")
        #expect(try Self.leftovers().subtracting(before).isEmpty)
    }

    private static func leftovers() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path).filter { $0.hasPrefix("enclave-pdf-") })
    }

    @Test func wrappedAndHyphenatedLinesJoin() throws {
        let data = TestPDF.make(pages: [["A line that wraps", "onto the next, with a hyph-", "enated word."]])
        let parsed = try DocumentParser().parse(data, fileName: "wrap.pdf")
        // Poppler joins a hyphenated word itself; where it leaves the hyphen, the parser joins without a space.
        let joined = ["A line that wraps onto the next, with a hyphenated word.", "A line that wraps onto the next, with a hyph-enated word."]
        #expect(parsed.blocks.count == 1)
        #expect(joined.contains(parsed.blocks.first?.text ?? ""))
    }
}
