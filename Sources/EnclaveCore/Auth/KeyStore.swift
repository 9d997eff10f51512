// Enclave: where API keys live.

public import Foundation

/// Storage of API keys. Implementations: `SQLiteKeyStore` (EnclaveStorage) and `InMemoryKeyStore`
/// (EnclaveTesting); both pass the same contract test suite.
///
/// A store never sees a secret: keys arrive already hashed.
public protocol KeyStore: Sendable {
    /// Stores a new key.
    /// - Throws: ``KeyStoreError`` `duplicateName` if an active key has the same name, `duplicateKey` if the
    ///   id or hash exists.
    func create(_ key: APIKey) async throws

    /// All keys, revoked ones included, oldest first.
    func list() async throws -> [APIKey]

    /// The key whose secret hashes to `hash`, revoked or not; `nil` if none.
    func find(hash: KeyHash) async throws -> APIKey?

    /// Revokes the active key with this id, or else the active key with this name.
    /// - Returns: The key as revoked.
    /// - Throws: ``KeyStoreError`` `notFound` if no active key has this id or name.
    func revoke(idOrName: String, at date: Date) async throws -> APIKey

    /// Records that the key authenticated a request at `date`.
    func touch(id: String, at date: Date) async throws
}
