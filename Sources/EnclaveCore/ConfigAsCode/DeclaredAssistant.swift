// Enclave: an assistant and a knowledge collection declared in the configuration file.

/// An assistant declared under `assistants:`. Its ``assistant``'s `teamIDs` hold team *names* as the
/// file gives them; the reconciler turns them into ids.
public struct DeclaredAssistant: Sendable, Hashable {
    /// The assistant (teams by name; `createdAt` is set by the reconciler).
    public var assistant: Assistant
    /// Where it is declared.
    public var location: DeclarationLocation?

    /// Creates a declaration.
    public init(assistant: Assistant, location: DeclarationLocation? = nil) {
        self.assistant = assistant
        self.location = location
    }
}

/// A knowledge collection declared under `collections:`: its name, the teams (by name) that may read it,
/// and its embedding model.
public struct DeclaredCollection: Sendable, Hashable {
    /// The default embedding model.
    public static let defaultEmbeddingModel = "all-MiniLM-L6-v2"

    /// The collection's name.
    public var name: String
    /// The names of the teams that may read it.
    public var teams: [String]
    /// The embedding model's id.
    public var embeddingModel: String
    /// Where it is declared.
    public var location: DeclarationLocation?

    /// Creates a declaration.
    public init(name: String, teams: [String] = [], embeddingModel: String = defaultEmbeddingModel, location: DeclarationLocation? = nil) {
        self.name = name
        self.teams = teams
        self.embeddingModel = embeddingModel
        self.location = location
    }
}
