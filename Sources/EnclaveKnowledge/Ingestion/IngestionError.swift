// Enclave knowledge: why a file cannot be submitted at all.

/// Why ``KnowledgeIngestor/submit(collectionID:fileName:data:)`` cannot take files for a collection (a bad
/// file is not an error: its receipt says why it was refused).
public struct IngestionError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Reason: Sendable, Hashable {
        case collectionNotFound(String)
        case embeddingModelUnavailable(String)
    }

    private let reason: Reason

    /// No collection has this id.
    public static func collectionNotFound(_ id: String) -> Self { Self(reason: .collectionNotFound(id)) }
    /// The collection's embedding model is not loaded here.
    public static func embeddingModelUnavailable(_ model: String) -> Self { Self(reason: .embeddingModelUnavailable(model)) }

    /// Whether this is a missing collection.
    public var isCollectionNotFound: Bool {
        if case .collectionNotFound = reason { return true }
        return false
    }

    public var description: String {
        switch reason {
        case .collectionNotFound(let id): "no collection has the id '\(id)'"
        case .embeddingModelUnavailable(let model): "the collection's embedding model '\(model)' is not loaded"
        }
    }
}
