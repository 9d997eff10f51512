// Enclave knowledge: a document's text with its structure, as parsers produce it.

/// A document's text as a sequence of structural blocks, whatever its format: what the chunker reads.
public struct ParsedDocument: Sendable, Hashable {
    /// One structural piece of a document.
    public struct Block: Sendable, Hashable {
        /// What a block is.
        public enum Kind: Sendable, Hashable {
            /// A heading of `level` (1 outermost).
            case heading(level: Int)
            /// A paragraph of prose (or a list item, a table row).
            case paragraph
            /// A code block (kept whole when it fits, never reflowed).
            case code
        }

        /// What it is.
        public var kind: Kind
        /// Its text, without markup.
        public var text: String
        /// The 1-based page it is on (PDF); `nil` for formats without pages.
        public var page: Int?

        /// Creates a block.
        public init(kind: Kind, text: String, page: Int? = nil) {
            self.kind = kind
            self.text = text
            self.page = page
        }
    }

    /// The format it was parsed from.
    public var format: DocumentFormat
    /// Its blocks in reading order.
    public var blocks: [Block]
    /// Pages (PDF); 1 for formats without pages.
    public var pageCount: Int

    /// Creates a parsed document.
    public init(format: DocumentFormat, blocks: [Block], pageCount: Int = 1) {
        self.format = format
        self.blocks = blocks
        self.pageCount = pageCount
    }
}
