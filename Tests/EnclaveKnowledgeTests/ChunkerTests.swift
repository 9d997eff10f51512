import EnclaveKnowledge
import Foundation
import Testing

@Suite struct ChunkerTests {
    /// Words stand in for WordPiece tokens: both count whitespace-separated pieces additively.
    static let words: @Sendable (String) -> Int = { $0.split(whereSeparator: \.isWhitespace).count }

    /// A deterministic sentence of `length` words whose first word is the capitalised tag, so that tests
    /// can tell sentences apart.
    static func sentence(_ tag: String, _ length: Int) -> String {
        (0..<length).map { $0 == 0 ? tag.prefix(1).uppercased() + tag.dropFirst() + "w0" : "w\($0)" }.joined(separator: " ") + "."
    }

    @Test func passagesKeepTheirHeadingPath() {
        let document = ParsedDocument(
            format: .markdown,
            blocks: [
                .init(kind: .heading(level: 1), text: "Guide"),
                .init(kind: .paragraph, text: "intro words"),
                .init(kind: .heading(level: 2), text: "Install"),
                .init(kind: .paragraph, text: "run make"),
                .init(kind: .heading(level: 3), text: "Linux"),
                .init(kind: .paragraph, text: "apt works"),
                .init(kind: .heading(level: 2), text: "Use"),
                .init(kind: .paragraph, text: "call it"),
                .init(kind: .paragraph, text: "then more"),
            ]
        )
        let chunks = Chunker(tokenCount: Self.words).chunks(of: document)
        #expect(chunks.map(\.headingPath) == [["Guide"], ["Guide", "Install"], ["Guide", "Install", "Linux"], ["Guide", "Use"]])
        #expect(chunks.map(\.text) == ["intro words", "run make", "apt works", "call it\n\nthen more"])
        #expect(chunks.map(\.tokenCount) == [2, 2, 2, 4])
        #expect(chunks[3].embeddingText == "Guide > Use\ncall it\n\nthen more")
        #expect(ChunkDraft(text: "t", page: nil, headingPath: [], tokenCount: 1).embeddingText == "t")
    }

    /// A long section of many paragraphs of varied sentences, then a second section.
    static func longDocument() -> (ParsedDocument, [String]) {
        var blocks: [ParsedDocument.Block] = [.init(kind: .heading(level: 1), text: "Long")]
        var sentences: [String] = []
        for paragraph in 0..<12 {
            let paragraphSentences = (0..<(2 + paragraph % 4)).map { Self.sentence("p\(paragraph)s\($0)", 5 + (paragraph * 7 + $0 * 3) % 19) }
            sentences += paragraphSentences
            blocks.append(.init(kind: .paragraph, text: paragraphSentences.joined(separator: " "), page: 1 + paragraph / 4))
        }
        blocks.append(.init(kind: .heading(level: 1), text: "Other"))
        blocks.append(.init(kind: .paragraph, text: Self.sentence("other", 6), page: 4))
        return (ParsedDocument(format: .pdf, blocks: blocks, pageCount: 4), sentences)
    }

    @Test(arguments: [(40, 8), (64, 16), (25, 0), (100, 30)])
    func passagesAreBoundedCoverEverythingAndOverlap(maxTokens: Int, overlap: Int) throws {
        let (document, sentences) = Self.longDocument()
        let chunker = Chunker(maxTokens: maxTokens, overlapTokens: overlap, tokenCount: Self.words)
        let chunks = chunker.chunks(of: document)
        let long = chunks.filter { $0.headingPath == ["Long"] }
        #expect(chunks.allSatisfy { $0.tokenCount <= maxTokens && $0.tokenCount == Self.words($0.text) })
        // Every sentence is in some passage, whole, and the passages follow reading order.
        var searchFrom = 0
        for sentence in sentences {
            let index = try #require(long[searchFrom...].firstIndex { $0.text.contains(sentence) }, "lost \(sentence)")
            searchFrom = index
        }
        // No passage crosses into the other section.
        #expect(!long.contains { $0.text.contains("Otherw0") })
        #expect(chunks.last?.headingPath == ["Other"] && chunks.last?.text == Self.sentence("other", 6))
        // Consecutive passages share text of at most `overlap` tokens; without overlap they share none.
        for (previous, next) in zip(long, long.dropFirst()) {
            let shared = Self.sharedTokens(previous.text, next.text)
            #expect(shared <= overlap)
            if overlap == 0 { #expect(shared == 0) }
        }
        if overlap > 0 { #expect(zip(long, long.dropFirst()).contains { Self.sharedTokens($0.text, $1.text) > 0 }) }
        // Balanced: no passage is a scrap.
        #expect(long.allSatisfy { $0.tokenCount >= min(maxTokens / 4, 5) })
    }

    /// The longest suffix of `previous` (in words) that `next` starts with.
    static func sharedTokens(_ previous: String, _ next: String) -> Int {
        let a = previous.split(whereSeparator: \.isWhitespace)
        let b = next.split(whereSeparator: \.isWhitespace)
        for length in stride(from: min(a.count, b.count) - 1, to: 0, by: -1) where Array(a.suffix(length)) == Array(b.prefix(length)) {
            return length
        }
        return 0
    }

    @Test func overlapIsWholeSentencesWhenTheyFit() {
        let sentences = (0..<8).map { Self.sentence("s\($0)", 6) }
        let document = ParsedDocument(format: .text, blocks: [.init(kind: .paragraph, text: sentences.joined(separator: " "))])
        let chunks = Chunker(maxTokens: 20, overlapTokens: 7, tokenCount: Self.words).chunks(of: document)
        #expect(chunks.count > 2)
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            let lastSentence = sentences.last { previous.text.hasSuffix($0) }
            #expect(lastSentence != nil)
            #expect(next.text.hasPrefix(lastSentence ?? "-"))
        }
    }

    @Test func aPassageNeverCrossesAPage() {
        let document = ParsedDocument(
            format: .pdf,
            blocks: [
                .init(kind: .paragraph, text: Self.sentence("a", 8), page: 1),
                .init(kind: .paragraph, text: Self.sentence("b", 8), page: 2),
                .init(kind: .paragraph, text: Self.sentence("c", 8), page: 3),
            ],
            pageCount: 3
        )
        let chunks = Chunker(maxTokens: 10, overlapTokens: 0, tokenCount: Self.words).chunks(of: document)
        #expect(chunks.map(\.page) == [1, 2, 3])
        // Even when the three would fit in one passage: a citation's page is the page of its text.
        let roomy = Chunker(maxTokens: 30, overlapTokens: 0, tokenCount: Self.words).chunks(of: document)
        #expect(roomy.map(\.page) == [1, 2, 3])
        #expect(roomy.map(\.text) == chunks.map(\.text))
    }

    @Test func codeStaysWholeOrSplitsAtLines() {
        let small = "func f() {\n    return 1 + 2\n}"
        let bigLines = (0..<30).map { "let value\($0) = compute(\($0), with: options)" }
        let document = ParsedDocument(
            format: .markdown,
            blocks: [
                .init(kind: .paragraph, text: Self.sentence("intro", 12)),
                .init(kind: .code, text: small),
                .init(kind: .code, text: bigLines.joined(separator: "\n")),
            ]
        )
        let chunks = Chunker(maxTokens: 30, overlapTokens: 4, tokenCount: Self.words).chunks(of: document)
        #expect(chunks.filter { $0.text.contains(small) }.count == 1)
        #expect(chunks.allSatisfy { $0.tokenCount <= 30 })
        let lineSet = Set(bigLines)
        for chunk in chunks where chunk.text.contains("let value") {
            let codeLines = chunk.text.components(separatedBy: "\n").filter { $0.hasPrefix("let value") }
            #expect(codeLines.allSatisfy { lineSet.contains($0) }, "a code line was cut: \(chunk.text)")
        }
        for line in bigLines { #expect(chunks.contains { $0.text.contains(line) }) }
    }

    @Test func overlongSentencesSplitBetweenWordsAndHugeWordsStillFit() {
        let runOn = (0..<95).map { "word\($0)" }.joined(separator: " ")
        let blob = String(repeating: "x", count: 500)
        let document = ParsedDocument(format: .text, blocks: [.init(kind: .paragraph, text: runOn), .init(kind: .paragraph, text: blob)])
        // Tokens as characters of four, so one long word is many tokens.
        let pieces: @Sendable (String) -> Int = { text in
            text.split(whereSeparator: \.isWhitespace).reduce(0) { $0 + ($1.count + 3) / 4 }
        }
        let chunks = Chunker(maxTokens: 40, overlapTokens: 5, tokenCount: pieces).chunks(of: document)
        #expect(chunks.allSatisfy { $0.tokenCount <= 40 && $0.tokenCount > 1 })
        let allWords = Set(runOn.split(separator: " ").map(String.init))
        for chunk in chunks where !chunk.text.hasPrefix("x") {
            #expect(chunk.text.split(whereSeparator: \.isWhitespace).allSatisfy { allWords.contains(String($0)) || $0.allSatisfy { $0 == "x" } })
        }
        #expect(chunks.map { $0.text.filter { $0 == "x" }.count }.reduce(0, +) >= 500)
    }

    @Test func smallRemainderJoinsThePassageBefore() {
        // 42 words in sentences of 6, max 40: a greedy cut would leave a 2-word scrap.
        let text = (0..<7).map { Self.sentence("s\($0)", 6) }.joined(separator: " ")
        let document = ParsedDocument(format: .text, blocks: [.init(kind: .paragraph, text: text)])
        let chunks = Chunker(maxTokens: 40, overlapTokens: 6, tokenCount: Self.words).chunks(of: document)
        #expect(chunks.count == 2)
        #expect(chunks.allSatisfy { $0.tokenCount >= 18 && $0.tokenCount <= 40 })
    }

    @Test func chunkingIsDeterministic() {
        let (document, _) = Self.longDocument()
        let chunker = Chunker(maxTokens: 50, overlapTokens: 10, tokenCount: Self.words)
        #expect(chunker.chunks(of: document) == chunker.chunks(of: document))
    }

    @Test func sentencesEndAtTerminalPunctuation() {
        let text = "Call Dr. Smith now! Really? Yes… see e.g. the manual.\nNext line (a note.) Done 。最後"
        #expect(
            Chunker.sentences(of: text) == [
                "Call Dr.", "Smith now!", "Really?", "Yes… see e.g. the manual.", "Next line (a note.)", "Done 。", "最後",
            ]
        )
    }
}
