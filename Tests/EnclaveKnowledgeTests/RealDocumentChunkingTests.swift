import EnclaveEngine
import EnclaveKnowledge
import Foundation
import Testing

/// The parser and the chunker end to end on a real page, counted by the embedding model's own tokenizer.
@Suite struct RealDocumentChunkingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let vocabulary = root.appendingPathComponent("models/all-MiniLM-L6-v2/vocab.txt").path
    static let page = "/usr/share/doc/python3.11/html/library/json.html"

    // The vocabulary comes with `make models`; the page with Debian's python3.11-doc (both in `make test` under .ci/run).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: vocabulary) && FileManager.default.fileExists(atPath: page)))
    func passagesOfARealPageFitTheEmbeddingModel() throws {
        let tokenizer = try WordPieceTokenizer(vocabularyFile: Self.vocabulary)
        let parsed = try DocumentParser().parse(try Data(contentsOf: URL(fileURLWithPath: Self.page)), fileName: "json.html")
        let chunker = Chunker { tokenizer.wordPieces($0).count }
        let chunks = chunker.chunks(of: parsed)
        let counts = chunks.map(\.tokenCount)
        // 12 sections, 203 blocks: 42 passages of 87 to 199 WordPiece tokens today; none a scrap, none over the bound.
        #expect((20...120).contains(chunks.count), "\(chunks.count) passages")
        #expect(counts.allSatisfy { $0 <= 200 })
        #expect(chunks.allSatisfy { tokenizer.wordPieces($0.embeddingText).count + 2 <= 256 })
        #expect(chunks.allSatisfy { !$0.headingPath.isEmpty && $0.headingPath[0] == "json — JSON encoder and decoder" })
        #expect(Set(chunks.map(\.headingPath)).count >= 12)
        #expect(counts.filter { $0 < 20 }.count <= 3, "\(counts)")
        #expect(chunker.chunks(of: parsed) == chunks)
    }
}
