// Enclave: a named set of documents that assistants retrieve from.

public import Foundation

/// A collection of documents. It belongs to teams: only their members (and admins) see it, its documents
/// and its passages, on every route.
public struct KnowledgeCollection: Sendable, Hashable, Identifiable, Codable {
    /// A random identifier (`col_` and 16 hex digits).
    public var id: String
    /// The unique name (what `enclave ingest NAME` and assistants' `collections:` name).
    public var name: String
    /// The ids of the teams whose members may read and write it.
    public var teamIDs: [String]
    /// The embedding model its vectors come from (an id `/v1/embeddings` serves).
    public var embeddingModel: String
    /// When the collection was created.
    public var createdAt: Date
    /// The configuration file that declares it; `nil` if it was made through the API or the CLI.
    public var managedBy: String?

    /// Creates a collection record.
    public init(id: String, name: String, teamIDs: [String], embeddingModel: String, createdAt: Date, managedBy: String? = nil) {
        self.id = id
        self.name = name
        self.teamIDs = teamIDs
        self.embeddingModel = embeddingModel
        self.createdAt = createdAt
        self.managedBy = managedBy
    }
}
