// Enclave: one indexed passage of a document.

/// One passage of a document, as indexed: its text, where it is in the document, and its size in tokens
/// of the collection's embedding model.
public struct DocumentChunk: Sendable, Hashable, Codable {
    /// The store's id for it, increasing with insertion (SQLite's rowid); 0 before it is stored.
    public var id: Int64
    /// The document it belongs to.
    public var documentID: String
    /// Its position in the document, from 0.
    public var ordinal: Int
    /// The passage text.
    public var text: String
    /// The 1-based page it starts on (PDF); `nil` for formats without pages.
    public var page: Int?
    /// The headings it sits under, outermost first (`["Installation", "On Linux"]`).
    public var headingPath: [String]
    /// Its length in tokens of the embedding model (markers excluded).
    public var tokenCount: Int

    /// Creates a chunk.
    public init(id: Int64 = 0, documentID: String, ordinal: Int, text: String, page: Int?, headingPath: [String], tokenCount: Int) {
        self.id = id
        self.documentID = documentID
        self.ordinal = ordinal
        self.text = text
        self.page = page
        self.headingPath = headingPath
        self.tokenCount = tokenCount
    }
}
