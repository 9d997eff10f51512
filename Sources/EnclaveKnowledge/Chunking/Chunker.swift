// Enclave knowledge: cutting a document into passages.

/// Cuts a ``ParsedDocument`` into passages of at most ``maxTokens`` tokens of the embedding model, with
/// ``overlapTokens`` of the previous passage repeated at the start of the next; each passage keeps its
/// page and heading path.
public struct Chunker: Sendable {
    /// The most tokens in a passage (markers excluded; at most the model's input less its markers).
    public var maxTokens: Int
    /// Tokens of overlap between consecutive passages of a section.
    public var overlapTokens: Int
    /// Counts a text's tokens in the embedding model (markers excluded).
    public var tokenCount: @Sendable (String) -> Int

    /// Creates a chunker.
    public init(maxTokens: Int = 200, overlapTokens: Int = 32, tokenCount: @escaping @Sendable (String) -> Int) {
        self.maxTokens = maxTokens
        self.overlapTokens = overlapTokens
        self.tokenCount = tokenCount
    }

    /// The document's passages in reading order.
    public func chunks(of document: ParsedDocument) -> [ChunkDraft] {
        var drafts: [ChunkDraft] = []
        var headings: [(level: Int, text: String)] = []
        for block in document.blocks {
            switch block.kind {
            case .heading(let level):
                headings.removeAll { $0.level >= level }
                headings.append((level, block.text))
            case .paragraph, .code:
                let count = tokenCount(block.text)
                drafts.append(ChunkDraft(text: block.text, page: block.page, headingPath: headings.map(\.text), tokenCount: count))
            }
        }
        return drafts
    }
}
