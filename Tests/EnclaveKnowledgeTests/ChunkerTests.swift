import EnclaveKnowledge
import Foundation
import Testing

@Suite struct ChunkerTests {
    @Test func passagesKeepTheirHeadingPath() {
        let document = ParsedDocument(
            format: .markdown,
            blocks: [
                .init(kind: .heading(level: 1), text: "Guide"),
                .init(kind: .paragraph, text: "intro words"),
                .init(kind: .heading(level: 2), text: "Install"),
                .init(kind: .paragraph, text: "run make"),
                .init(kind: .heading(level: 2), text: "Use"),
                .init(kind: .paragraph, text: "call it"),
            ]
        )
        let chunks = Chunker(tokenCount: { $0.split(separator: " ").count }).chunks(of: document)
        #expect(chunks.map(\.headingPath) == [["Guide"], ["Guide", "Install"], ["Guide", "Use"]])
        #expect(chunks.map(\.tokenCount) == [2, 2, 2])
    }

    @Test func plainTextSplitsOnBlankLines() throws {
        let parsed = try DocumentParser().parse(Data("one\n\ntwo\r\n\r\nthree".utf8), fileName: "a.txt")
        #expect(parsed.blocks.map(\.text) == ["one", "two", "three"])
        #expect(throws: DocumentParseError.binary) { try DocumentParser().parse(Data([0x41, 0, 0x42]), fileName: "a.txt") }
        #expect(throws: DocumentParseError.unsupportedExtension("exe")) { try DocumentParser().parse(Data("x".utf8), fileName: "a.exe") }
    }
}
