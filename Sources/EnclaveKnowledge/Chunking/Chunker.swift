// Enclave knowledge: cutting a document into passages.

/// Cuts a ``ParsedDocument`` into passages of at most ``maxTokens`` tokens of the embedding model, with
/// about ``overlapTokens`` of the previous passage repeated at the start of the next; each passage keeps
/// its page and heading path.
///
/// The structure decides the cuts: a passage never crosses a heading or a page, so each holds blocks of one
/// section, packed whole (paragraphs, list and table rows, code blocks) while they fit. A block longer
/// than ``maxTokens`` is cut at sentence boundaries, then at word boundaries; code at line boundaries.
/// A section's passages are balanced in size, and a small remainder joins the passage before it when
/// it fits, so no passage is a stray word. Overlap is made of whole sentences (or code lines) where
/// they fit in ``overlapTokens``. A passage's page is the page of its first text. The result depends only
/// on the document and the settings.
///
/// ```swift
/// let chunker = Chunker(maxTokens: 200, overlapTokens: 32) { backend.tokenize($0).count - 2 }
/// for draft in chunker.chunks(of: parsed) { print(draft.headingPath, draft.page ?? 0, draft.tokenCount) }
/// ```
public struct Chunker: Sendable {
    /// The most tokens in a passage (markers excluded; at most the model's input less its markers).
    public var maxTokens: Int
    /// Tokens of overlap between consecutive passages of a section.
    public var overlapTokens: Int
    /// Counts a text's tokens in the embedding model (markers excluded).
    public var tokenCount: @Sendable (String) -> Int

    /// Creates a chunker.
    /// - Parameters:
    ///   - maxTokens: The most tokens in a passage (at least 8).
    ///   - overlapTokens: Tokens repeated from one passage at the start of the next (at most half of `maxTokens`).
    ///   - tokenCount: Counts a text's tokens; in production the embedding model's WordPiece tokenizer less its markers.
    public init(maxTokens: Int = 200, overlapTokens: Int = 32, tokenCount: @escaping @Sendable (String) -> Int) {
        self.maxTokens = max(maxTokens, 8)
        self.overlapTokens = min(max(overlapTokens, 0), self.maxTokens / 2)
        self.tokenCount = tokenCount
    }

    /// The document's passages in reading order.
    public func chunks(of document: ParsedDocument) -> [ChunkDraft] {
        var drafts: [ChunkDraft] = []
        var headings: [(level: Int, text: String)] = []
        var section: [ParsedDocument.Block] = []
        func flushSection() {
            if !section.isEmpty { drafts += passages(of: section, headingPath: headings.map(\.text)) }
            section = []
        }
        for block in document.blocks {
            switch block.kind {
            case .heading(let level):
                flushSection()
                headings.removeAll { $0.level >= level }
                headings.append((level, block.text))
            case .paragraph, .code:
                guard !block.text.allSatisfy(\.isWhitespace) else { continue }
                // A new page starts a new passage too, so a citation's page is the page of its text.
                if let last = section.last, last.page != block.page { flushSection() }
                section.append(block)
            }
        }
        flushSection()
        return drafts
    }
}

extension Chunker {
    /// A piece of a section no longer than ``maxTokens``: a whole block, or a sentence, line or word run of one.
    struct Unit {
        var text: String
        var tokens: Int
        var page: Int?
        /// The index of its block in the section: pieces of one block join with a space (a newline for code).
        var block: Int
        var isCode: Bool
    }

    /// A passage being packed: units, of which the first `overlap` repeat the previous passage's end.
    struct Passage {
        var units: [Unit]
        var overlap: Int
        var tokens: Int
    }

    /// The text of units in order.
    static func join(_ units: some Collection<Unit>) -> String {
        var text = ""
        var previous: Unit?
        for unit in units {
            if let previous {
                text += previous.block != unit.block ? "\n\n" : (unit.isCode ? "\n" : " ")
            }
            text += unit.text
            previous = unit
        }
        return text
    }

    /// One section's passages.
    func passages(of section: [ParsedDocument.Block], headingPath: [String]) -> [ChunkDraft] {
        let units = section.enumerated().flatMap { index, block in self.units(of: block, index: index) }
        guard !units.isEmpty else { return [] }
        let total = units.reduce(0) { $0 + $1.tokens }
        // Balance the passages: aim each at an equal share of the section, plus the overlap it repeats.
        let stride = max(maxTokens - overlapTokens, 1)
        let count = (total + stride - 1) / stride
        let target = count <= 1 ? maxTokens : min(maxTokens, (total + count - 1) / count + overlapTokens)

        var passages: [Passage] = []
        var current = Passage(units: [], overlap: 0, tokens: 0)
        for unit in units {
            let candidate = current.units + [unit]
            let candidateTokens = tokenCount(Self.join(candidate))
            let hasNewText = current.units.count > current.overlap
            if hasNewText, candidateTokens > maxTokens || current.tokens >= target {
                passages.append(current)
                var overlap = overlapUnits(from: current.units)
                var tokens = tokenCount(Self.join(overlap + [unit]))
                while !overlap.isEmpty, tokens > maxTokens {
                    overlap.removeFirst()
                    tokens = tokenCount(Self.join(overlap + [unit]))
                }
                current = Passage(units: overlap + [unit], overlap: overlap.count, tokens: tokens)
            } else {
                current = Passage(units: candidate, overlap: current.overlap, tokens: candidateTokens)
            }
        }
        passages.append(current)
        mergeSmallTail(&passages)
        return passages.map { passage in
            let text = Self.join(passage.units)
            return ChunkDraft(text: text, page: passage.units.first?.page, headingPath: headingPath, tokenCount: tokenCount(text))
        }
    }

    /// Joins a last passage whose new text is small into the one before it, when the result fits.
    private func mergeSmallTail(_ passages: inout [Passage]) {
        guard passages.count >= 2, let last = passages.last else { return }
        let fresh = last.units.dropFirst(last.overlap)
        let freshTokens = fresh.reduce(0) { $0 + $1.tokens }
        guard freshTokens <= max(overlapTokens, maxTokens / 4) else { return }
        let previous = passages[passages.count - 2]
        let merged = previous.units + fresh
        let tokens = tokenCount(Self.join(merged))
        guard tokens <= maxTokens else { return }
        passages.removeLast(2)
        passages.append(Passage(units: merged, overlap: previous.overlap, tokens: tokens))
    }

    /// The end of a passage to repeat at the start of the next: whole trailing sentences (or code blocks and
    /// lines) that fit in ``overlapTokens``, or the trailing words of the last sentence when not even one fits.
    func overlapUnits(from units: [Unit]) -> [Unit] {
        guard overlapTokens > 0 else { return [] }
        var pieces: [Unit] = []
        var tokens = 0
        outer: for unit in units.reversed() {
            // Code is repeated whole or not at all: half a code block reads as a different program.
            let parts = unit.isCode ? [unit.text] : Self.sentences(of: unit.text)
            for part in parts.reversed() {
                let count = tokenCount(part)
                guard tokens + count <= overlapTokens else { break outer }
                pieces.insert(Unit(text: part, tokens: count, page: unit.page, block: unit.block, isCode: unit.isCode), at: 0)
                tokens += count
            }
        }
        if pieces.isEmpty, let last = units.last, !last.isCode {
            let sentence = Self.sentences(of: last.text).last ?? last.text
            var words: [Substring] = []
            var count = 0
            for word in sentence.split(whereSeparator: \.isWhitespace).reversed() {
                let wordTokens = tokenCount(String(word))
                guard count + wordTokens <= overlapTokens else { break }
                words.insert(word, at: 0)
                count += wordTokens
            }
            if !words.isEmpty {
                pieces = [Unit(text: words.joined(separator: " "), tokens: count, page: last.page, block: last.block, isCode: false)]
            }
        }
        return pieces
    }
}
