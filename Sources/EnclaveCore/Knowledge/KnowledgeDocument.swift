// Enclave: one ingested file of a collection.

public import Foundation

/// One document of a collection, as ingested from one file. Its chunks become searchable only in the
/// transaction that marks it ``Status/ready``; a new version of the same name replaces the old one in
/// that same transaction, so a search never sees half a document or two versions.
public struct KnowledgeDocument: Sendable, Hashable, Identifiable, Codable {
    /// Where a document is in ingestion.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Accepted, waiting for the ingestion queue.
        case queued
        /// Being parsed, chunked and embedded.
        case indexing
        /// Searchable.
        case ready
        /// Refused or failed; ``KnowledgeDocument/failure`` says why.
        case failed
    }

    /// A random identifier (`doc_` and 16 hex digits).
    public var id: String
    /// The collection it belongs to.
    public var collectionID: String
    /// The file name as ingested (`guide.pdf`), unique among the collection's ready documents.
    public var name: String
    /// SHA-256 of the file's bytes, lowercase hex: the same bytes under the same name are a duplicate.
    public var sha256: String
    /// The file's size in bytes.
    public var byteCount: Int
    /// The detected format (`text`, `markdown`, `html`, `pdf`, `docx`).
    public var format: String
    /// Where it is in ingestion.
    public var status: Status
    /// Why it failed, in words a user can act on (no document text).
    public var failure: String?
    /// Pages (PDF) or 1 for formats without pages; 0 until parsed.
    public var pageCount: Int
    /// Chunks indexed; 0 until ready.
    public var chunkCount: Int
    /// When it was accepted.
    public var createdAt: Date
    /// When its status last changed.
    public var updatedAt: Date

    /// Creates a document record.
    public init(
        id: String,
        collectionID: String,
        name: String,
        sha256: String,
        byteCount: Int,
        format: String,
        status: Status,
        failure: String? = nil,
        pageCount: Int = 0,
        chunkCount: Int = 0,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.collectionID = collectionID
        self.name = name
        self.sha256 = sha256
        self.byteCount = byteCount
        self.format = format
        self.status = status
        self.failure = failure
        self.pageCount = pageCount
        self.chunkCount = chunkCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
