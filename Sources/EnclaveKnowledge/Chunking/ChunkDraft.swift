// Enclave knowledge: a chunk before it is stored.

/// A passage the chunker cut, before it is embedded and stored as a `DocumentChunk`.
public struct ChunkDraft: Sendable, Hashable {
    /// The passage text.
    public var text: String
    /// The 1-based page it starts on; `nil` for formats without pages.
    public var page: Int?
    /// The headings it sits under, outermost first.
    public var headingPath: [String]
    /// Its length in tokens of the embedding model (markers excluded).
    public var tokenCount: Int

    /// Creates a draft.
    public init(text: String, page: Int?, headingPath: [String], tokenCount: Int) {
        self.text = text
        self.page = page
        self.headingPath = headingPath
        self.tokenCount = tokenCount
    }
}

extension ChunkDraft {
    /// The text to embed: the heading path joined by `" > "`, a newline, then the passage, so a passage
    /// is found by the section it sits in as well as by its words; the passage alone when it has no
    /// headings. The heading path is metadata, never part of ``text``: the chunker bounds ``text`` only,
    /// so leave room for the headings under the embedding model's input limit.
    public var embeddingText: String {
        headingPath.isEmpty ? text : headingPath.joined(separator: " > ") + "\n" + text
    }
}
