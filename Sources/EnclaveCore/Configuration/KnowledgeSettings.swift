// Enclave: settings of collections' documents (`knowledge:`).

/// How documents are kept and cut into chunks (`knowledge:`).
///
/// ```yaml
/// knowledge:
///   encryption_key: ${ENCLAVE_KNOWLEDGE_KEY:-}   # empty: the generated <data dir>/knowledge.key
///   max_document_bytes: 50MiB
///   chunk_tokens: 200
///   chunk_overlap_tokens: 32
/// ```
public struct KnowledgeSettings: Sendable, Hashable {
    /// The key that encrypts documents at rest, base64 of 32 bytes (`knowledge.encryption_key`); `nil`
    /// (or empty): the key file `<data dir>/knowledge.key`, generated on first use.
    public var encryptionKey: String?
    /// The largest file a collection accepts (`knowledge.max_document_bytes`).
    public var maxDocumentBytes: Int
    /// The most tokens of the embedding model a chunk holds (`knowledge.chunk_tokens`).
    public var chunkTokens: Int
    /// The tokens a chunk repeats from the end of the one before (`knowledge.chunk_overlap_tokens`).
    public var chunkOverlapTokens: Int

    /// The sizes `max_document_bytes` may be: a byte to 4 GiB.
    public static let maxDocumentBytesRange = 1...(4 << 30)
    /// The values `chunk_tokens` may take.
    public static let chunkTokensRange = 16...2_048

    /// Creates settings: the key file, 50 MiB documents, 200-token chunks overlapping by 32.
    public init(encryptionKey: String? = nil, maxDocumentBytes: Int = 50 << 20, chunkTokens: Int = 200, chunkOverlapTokens: Int = 32) {
        self.encryptionKey = encryptionKey
        self.maxDocumentBytes = maxDocumentBytes
        self.chunkTokens = chunkTokens
        self.chunkOverlapTokens = chunkOverlapTokens
    }
}
