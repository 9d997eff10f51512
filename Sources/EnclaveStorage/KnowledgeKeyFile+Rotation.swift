// Enclave storage: replacing the key file with a new key, after the database has moved to it.

public import EnclaveCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KnowledgeKeyFile {
    /// Re-encrypts the database under `newKey` and makes it the key file's, so that at every moment one of
    /// the files holds the key the database is under:
    ///
    /// 1. `knowledge.key.next` gets the new key (synced);
    /// 2. the database is re-encrypted in one transaction (``SQLiteKnowledgeStore/rotateKey(in:from:to:)``);
    /// 3. the old key is copied to `knowledge.key.previous`, `knowledge.key.next` is renamed over
    ///    `knowledge.key` (atomic), and `knowledge.key.previous` is removed.
    ///
    /// A crash before step 2 commits leaves the database under the old key; after it, under the new key
    /// in `knowledge.key.next`. Running the rotation again first finishes an interrupted one.
    /// - Throws: ``KnowledgeStoreError`` `unavailable` if there is no key file, and what
    ///   ``SQLiteKnowledgeStore/rotateKey(in:from:to:)`` throws (the old key then stays in use).
    @discardableResult
    public static func rotate(
        in directory: String,
        database: SQLiteDatabase,
        to newKey: KnowledgeKey
    ) async throws
        -> SQLiteKnowledgeStore.RotationSummary
    {
        let current = path(in: directory)
        let next = path(nextFileName, in: directory)
        guard FileManager.default.fileExists(atPath: current) else {
            throw KnowledgeStoreError.unavailable(
                "there is no key file \(current): the key comes from knowledge.encryption_key (use --old-key-env), or nothing was stored yet"
            )
        }
        var old = try read(current)
        if FileManager.default.fileExists(atPath: next) {
            // An interrupted rotation: finish it (the database may already be under its key).
            let pending = try read(next)
            _ = try await SQLiteKnowledgeStore.rotateKey(in: database, from: KnowledgeCipher(key: old), to: KnowledgeCipher(key: pending))
            try install(next: next, over: current, old: old, in: directory)
            old = pending
        }
        try create(next, containing: newKey)
        let summary: SQLiteKnowledgeStore.RotationSummary
        do {
            summary = try await SQLiteKnowledgeStore.rotateKey(in: database, from: KnowledgeCipher(key: old), to: KnowledgeCipher(key: newKey))
        } catch {
            // The transaction rolled back: the database is under the old key, which stays the file's.
            unlink(next)
            throw error
        }
        try install(next: next, over: current, old: old, in: directory)
        return summary
    }

    private static func install(next: String, over current: String, old: KnowledgeKey, in directory: String) throws {
        let previous = path(previousFileName, in: directory)
        unlink(previous)
        try create(previous, containing: old)
        guard rename(next, current) == 0 else {
            throw KnowledgeStoreError.unavailable(
                "the database now uses the key in \(next), but it cannot replace \(current): \(String(cString: strerror(errno))); "
                    + "move it there by hand (mv \(next) \(current))"
            )
        }
        syncDirectory(of: current)
        unlink(previous)
        syncDirectory(of: current)
    }
}
