// Enclave testing: a key store in memory.

public import EnclaveCore
public import Foundation

/// A ``KeyStore`` kept in memory, with the same behaviour as the SQLite store (the contract suite runs
/// against both).
public actor InMemoryKeyStore: KeyStore {
    private var keys: [APIKey] = []

    /// Creates an empty store.
    public init() {}

    public func create(_ key: APIKey) throws {
        if keys.contains(where: { $0.id == key.id || $0.hash == key.hash }) {
            throw KeyStoreError.duplicateKey(key.id)
        }
        if keys.contains(where: { $0.isActive && $0.name == key.name }) {
            throw KeyStoreError.duplicateName(key.name)
        }
        keys.append(key)
    }

    public func list() -> [APIKey] {
        keys.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func find(hash: KeyHash) -> APIKey? {
        keys.first { $0.hash == hash }
    }

    public func revoke(idOrName: String, at date: Date) throws -> APIKey {
        guard
            let index = keys.firstIndex(where: { $0.isActive && $0.id == idOrName })
                ?? keys.firstIndex(where: { $0.isActive && $0.name == idOrName })
        else {
            throw KeyStoreError.notFound(idOrName)
        }
        keys[index].revokedAt = date
        return keys[index]
    }

    public func touch(id: String, at date: Date) {
        guard let index = keys.firstIndex(where: { $0.id == id }) else { return }
        keys[index].lastUsedAt = date
    }
}
