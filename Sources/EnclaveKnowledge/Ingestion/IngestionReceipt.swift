// Enclave knowledge: what became of a submitted file.

/// What ``KnowledgeIngestor/submit(collectionID:fileName:data:)`` did with a file: queued it, found it
/// already there, or refused it (with the reason, by name).
public struct IngestionReceipt: Sendable, Hashable, Codable {
    /// What became of the file.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Stored and waiting to be indexed (``KnowledgeIngestor`` indexes it in the background).
        case queued
        /// The collection has a document of this name with the same bytes: nothing to do.
        case unchanged
        /// The collection has these bytes under another name (``IngestionReceipt/duplicateOf``): not indexed again.
        case duplicate
        /// Refused (``IngestionReceipt/reason`` says why); nothing was stored.
        case failed
    }

    /// The file name as submitted.
    public var fileName: String
    /// What became of it.
    public var status: Status
    /// The document: the new one (queued), the existing one (unchanged, duplicate); `nil` when refused.
    public var documentID: String?
    /// For a duplicate, the name of the document that has the same bytes.
    public var duplicateOf: String?
    /// Why it was refused or is a duplicate, in words a user can act on (never document text).
    public var reason: String?

    /// Creates a receipt.
    public init(fileName: String, status: Status, documentID: String? = nil, duplicateOf: String? = nil, reason: String? = nil) {
        self.fileName = fileName
        self.status = status
        self.documentID = documentID
        self.duplicateOf = duplicateOf
        self.reason = reason
    }
}
