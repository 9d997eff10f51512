// Enclave: where assistants are kept.

/// Keeps assistants: in memory (`InMemoryAssistantStore` in EnclaveTesting) or in SQLite
/// (`SQLiteAssistantStore`). Both keep the same contract, tested by one suite.
public protocol AssistantStore: Sendable {
    /// Adds an assistant. Throws ``AssistantStoreError/duplicate(_:)`` if its id is taken.
    func create(_ assistant: Assistant) async throws
    /// Replaces the assistant with the same id. Throws ``AssistantStoreError/notFound(_:)`` if there is none.
    func update(_ assistant: Assistant) async throws
    /// The assistant with this id, disabled or not.
    func assistant(id: String) async throws -> Assistant?
    /// Every assistant, disabled ones included, by id.
    func assistants() async throws -> [Assistant]
    /// Deletes an assistant. Throws ``AssistantStoreError/notFound(_:)`` if there is none.
    func delete(id: String) async throws
}
