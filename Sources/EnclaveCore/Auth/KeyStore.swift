// Enclave: where API keys live.

public import Foundation

/// Storage of API keys. Implementations: `SQLiteKeyStore` (EnclaveStorage) and `InMemoryKeyStore`
/// (EnclaveTesting); both pass the same contract test suite.
///
/// A store never sees a secret: keys arrive already hashed.
public protocol KeyStore: Sendable {
    /// Stores a new key.
    /// - Throws: ``KeyStoreError`` `duplicateName` if an active key of the same user has the same name,
    ///   `duplicateKey` if the id or hash exists.
    func create(_ key: APIKey) async throws

    /// All keys, revoked ones included, oldest first.
    func list() async throws -> [APIKey]

    /// The key whose secret hashes to `hash`, revoked or not; `nil` if none.
    func find(hash: KeyHash) async throws -> APIKey?

    /// Revokes the active key with this id, or else the active key with this name (of `userID` if given).
    /// - Returns: The key as revoked.
    /// - Throws: ``KeyStoreError`` `notFound` if no such active key exists (or it belongs to another user
    ///   than `userID`), `ambiguous` if the name matches active keys of several users.
    func revoke(idOrName: String, ownedBy userID: String?, at date: Date) async throws -> APIKey

    /// Records that the key authenticated a request at `date`.
    func touch(id: String, at date: Date) async throws

    /// Replaces a key's name, owner, scopes, models, expiry, revocation date and `managedBy`; its id, hash,
    /// prefix, creation and last use stay. What ``ConfigurationReconciler`` changes in a declared key.
    /// - Throws: ``KeyStoreError`` `notFound` if no key has the id, `duplicateName` if another active key of
    ///   the owner has the name.
    func update(_ key: APIKey) async throws
}

extension KeyStore {
    /// Revokes the active key with this id or name, whoever owns it.
    public func revoke(idOrName: String, at date: Date) async throws -> APIKey {
        try await revoke(idOrName: idOrName, ownedBy: nil, at: date)
    }

    /// The keys of one user, revoked ones included, oldest first.
    public func list(ownedBy userID: String) async throws -> [APIKey] {
        try await list().filter { $0.userID == userID }
    }

    /// The key with this id, revoked or not.
    public func key(id: String) async throws -> APIKey? {
        try await list().first { $0.id == id }
    }
}
