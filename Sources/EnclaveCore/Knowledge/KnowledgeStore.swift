// Enclave: where collections, documents, chunks and their vectors are kept.

public import Foundation

/// A chunk's id and its embedding, as the vector index loads them.
public struct ChunkVector: Sendable, Hashable {
    /// The chunk's id.
    public var chunkID: Int64
    /// The L2-normalised embedding.
    public var vector: [Float]

    /// Creates a pair.
    public init(chunkID: Int64, vector: [Float]) {
        self.chunkID = chunkID
        self.vector = vector
    }
}

/// What changed in a collection's searchable chunks after a ``KnowledgeCursor``: the vector index applies
/// it instead of reloading everything.
public struct VectorChanges: Sendable, Hashable {
    /// Chunks that became searchable, in id order.
    public var added: [ChunkVector]
    /// Chunks that stopped being searchable (their document was replaced or deleted).
    public var removed: [Int64]
    /// The position to ask from next time.
    public var cursor: KnowledgeCursor

    /// Creates a change set.
    public init(added: [ChunkVector], removed: [Int64], cursor: KnowledgeCursor) {
        self.added = added
        self.removed = removed
        self.cursor = cursor
    }
}

/// A position in a collection's history of searchable chunks (opaque to callers; compare with `==`).
public struct KnowledgeCursor: Sendable, Hashable {
    /// The largest chunk id seen.
    public var lastChunkID: Int64
    /// The largest removal sequence number seen.
    public var lastRemoval: Int64

    /// The start of history.
    public static let start = KnowledgeCursor(lastChunkID: 0, lastRemoval: 0)

    /// Creates a cursor.
    public init(lastChunkID: Int64, lastRemoval: Int64) {
        self.lastChunkID = lastChunkID
        self.lastRemoval = lastRemoval
    }
}

/// A chunk's id and its keyword (BM25) score; larger is better.
public struct KeywordMatch: Sendable, Hashable {
    /// The chunk's id.
    public var chunkID: Int64
    /// The BM25 score, larger is better (the negation of FTS5's `bm25()`).
    public var score: Double

    /// Creates a match.
    public init(chunkID: Int64, score: Double) {
        self.chunkID = chunkID
        self.score = score
    }
}

/// The chunk and the document it comes from, as retrieval returns them.
public struct ChunkRecord: Sendable, Hashable {
    /// The chunk.
    public var chunk: DocumentChunk
    /// Its document.
    public var document: KnowledgeDocument

    /// Creates a record.
    public init(chunk: DocumentChunk, document: KnowledgeDocument) {
        self.chunk = chunk
        self.document = document
    }
}

/// Collections, documents, their chunks, keyword index and vectors. SQLite in `enclave serve` (encrypted
/// at rest), in memory in tests; one contract suite runs against both.
///
/// Only chunks of ``KnowledgeDocument/Status/ready`` documents are searchable, and
/// ``commit(document:chunks:vectors:replacing:)`` makes a document ready, with its chunks and vectors,
/// in one transaction.
public protocol KnowledgeStore: Sendable {
    // Collections.

    /// Stores a new collection; its name must be unused.
    func createCollection(_ collection: KnowledgeCollection) async throws
    /// Replaces a collection's record (name, teams).
    func updateCollection(_ collection: KnowledgeCollection) async throws
    /// A collection by id.
    func collection(id: String) async throws -> KnowledgeCollection?
    /// A collection by name.
    func collection(named name: String) async throws -> KnowledgeCollection?
    /// Every collection, by name.
    func collections() async throws -> [KnowledgeCollection]
    /// Deletes a collection, its documents, chunks and vectors.
    func deleteCollection(id: String) async throws

    // Documents.

    /// Stores a document record (status queued) with the file's bytes, kept (encrypted) until it is indexed
    /// so a restart can resume.
    func addDocument(_ document: KnowledgeDocument, content: Data) async throws
    /// A document by id.
    func document(id: String) async throws -> KnowledgeDocument?
    /// A collection's documents, by name then creation.
    func documents(inCollection collectionID: String) async throws -> [KnowledgeDocument]
    /// Documents in `statuses` across all collections (a restart resumes `queued` and `indexing` ones).
    func documents(withStatus statuses: Set<KnowledgeDocument.Status>) async throws -> [KnowledgeDocument]
    /// The bytes kept for a document that is not yet indexed; `nil` once indexed or failed.
    func content(ofDocument id: String) async throws -> Data?
    /// Sets a document's status (and failure reason), e.g. `indexing` or `failed`.
    func setStatus(ofDocument id: String, to status: KnowledgeDocument.Status, failure: String?) async throws
    /// In one transaction: stores `chunks` (their ids assigned) and `vectors` (one per chunk, in order),
    /// marks `document` ready with its page and chunk counts, drops its kept bytes, and deletes the document
    /// `replacing` (an older version of the same name) with its chunks.
    func commit(document: KnowledgeDocument, chunks: [DocumentChunk], vectors: [[Float]], replacing: String?) async throws
    /// Deletes a document, its chunks and vectors from every index.
    func deleteDocument(id: String) async throws

    // Search.

    /// The best keyword (BM25) matches for `query` among the searchable chunks of `collectionIDs`.
    func keywordSearch(_ query: String, inCollections collectionIDs: [String], limit: Int) async throws -> [KeywordMatch]
    /// Chunks by id with their documents, in the order asked; unknown or no longer searchable ids are left out.
    func chunks(ids: [Int64]) async throws -> [ChunkRecord]
    /// What changed in a collection's searchable vectors after `cursor` (``KnowledgeCursor/start``: all of them).
    func vectorChanges(inCollection collectionID: String, after cursor: KnowledgeCursor) async throws -> VectorChanges
}
