// Enclave knowledge: how far a drain of the ingestion queue is.

/// How far ``KnowledgeIngestor/drain(progress:)`` is: documents finished of those it has seen, and chunks indexed.
public struct IngestionProgress: Sendable, Hashable {
    /// Documents finished (ready or failed).
    public var documentsDone: Int
    /// Documents finished plus those still queued.
    public var documentsTotal: Int
    /// Chunks indexed so far.
    public var chunks: Int
    /// The document just finished.
    public var document: KnowledgeDocumentSummary

    /// Creates a progress report.
    public init(documentsDone: Int, documentsTotal: Int, chunks: Int, document: KnowledgeDocumentSummary) {
        self.documentsDone = documentsDone
        self.documentsTotal = documentsTotal
        self.chunks = chunks
        self.document = document
    }
}

/// A finished document's id, name, outcome and size: what progress reports and summaries show.
public struct KnowledgeDocumentSummary: Sendable, Hashable {
    /// The document's id.
    public var id: String
    /// Its file name.
    public var name: String
    /// `true` if it is ready (searchable), `false` if it failed.
    public var isReady: Bool
    /// Chunks indexed (0 when it failed).
    public var chunkCount: Int
    /// Why it failed.
    public var failure: String?

    /// Creates a summary.
    public init(id: String, name: String, isReady: Bool, chunkCount: Int, failure: String?) {
        self.id = id
        self.name = name
        self.isReady = isReady
        self.chunkCount = chunkCount
        self.failure = failure
    }
}
