// Enclave testing: an assistant store in memory.

public import EnclaveCore

/// An ``AssistantStore`` kept in memory, with the same behaviour as the SQLite store (the contract suite
/// runs against both).
public actor InMemoryAssistantStore: AssistantStore {
    private var stored: [String: Assistant] = [:]

    /// Creates a store holding `assistants`.
    public init(_ assistants: [Assistant] = []) {
        for assistant in assistants { stored[assistant.id] = assistant }
    }

    public func create(_ assistant: Assistant) throws {
        guard stored[assistant.id] == nil else { throw AssistantStoreError.duplicate(assistant.id) }
        stored[assistant.id] = assistant
    }

    public func update(_ assistant: Assistant) throws {
        guard stored[assistant.id] != nil else { throw AssistantStoreError.notFound(assistant.id) }
        stored[assistant.id] = assistant
    }

    public func assistant(id: String) -> Assistant? {
        stored[id]
    }

    public func assistants() -> [Assistant] {
        stored.values.sorted { $0.id < $1.id }
    }

    public func delete(id: String) throws {
        guard stored.removeValue(forKey: id) != nil else { throw AssistantStoreError.notFound(id) }
    }
}
