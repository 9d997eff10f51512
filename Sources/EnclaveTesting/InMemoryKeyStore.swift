// Enclave testing: a key store in memory.

public import EnclaveCore
public import Foundation

/// A ``KeyStore`` kept in memory, with the same behaviour as the SQLite store (the contract suite runs
/// against both), except that it knows no users, so it does not check that a key's owner exists.
public actor InMemoryKeyStore: KeyStore {
    private var keys: [APIKey] = []

    /// Creates an empty store.
    public init() {}

    public func create(_ key: APIKey) throws {
        if keys.contains(where: { $0.id == key.id || $0.hash == key.hash }) {
            throw KeyStoreError.duplicateKey(key.id)
        }
        if keys.contains(where: { $0.isActive && $0.userID == key.userID && $0.name == key.name }) {
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

    public func revoke(idOrName: String, ownedBy userID: String?, at date: Date) throws -> APIKey {
        var matches = keys.indices.filter { keys[$0].isActive && keys[$0].id == idOrName }
        if matches.isEmpty { matches = keys.indices.filter { keys[$0].isActive && keys[$0].name == idOrName } }
        if let userID { matches.removeAll { keys[$0].userID != userID } }
        guard let index = matches.first else { throw KeyStoreError.notFound(idOrName) }
        guard matches.count == 1 else { throw KeyStoreError.ambiguous(idOrName) }
        keys[index].revokedAt = date
        return keys[index]
    }

    public func update(_ key: APIKey) throws {
        guard let index = keys.firstIndex(where: { $0.id == key.id }) else { throw KeyStoreError.notFound(key.id) }
        if key.isActive, keys.contains(where: { $0.id != key.id && $0.isActive && $0.userID == key.userID && $0.name == key.name }) {
            throw KeyStoreError.duplicateName(key.name)
        }
        keys[index].name = key.name
        keys[index].userID = key.userID
        keys[index].scopes = key.scopes
        keys[index].allowedModels = key.allowedModels
        keys[index].expiresAt = key.expiresAt
        keys[index].revokedAt = key.revokedAt
        keys[index].managedBy = key.managedBy
    }

    public func touch(id: String, at date: Date) {
        guard let index = keys.firstIndex(where: { $0.id == id }) else { return }
        keys[index].lastUsedAt = date
    }
}
