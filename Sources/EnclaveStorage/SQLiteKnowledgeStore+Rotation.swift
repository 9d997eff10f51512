// Enclave storage: re-encrypting the knowledge store with a new key.

public import EnclaveCore
import Foundation
import GRDB

extension SQLiteKnowledgeStore {
    /// What a key rotation re-encrypted.
    public struct RotationSummary: Sendable, Hashable {
        /// Documents whose name, checksum and failure were sealed again.
        public var documents: Int
        /// Kept file contents sealed again.
        public var contents: Int
        /// Chunks whose text and vector were sealed again and whose keyword rows were rebuilt.
        public var chunks: Int
        /// Whether the database was already encrypted with the new key (nothing was done).
        public var alreadyRotated: Bool
    }

    /// Re-encrypts everything the knowledge store keeps, from `old`'s key to `new`'s, and rebuilds the
    /// keyword index with `new`'s token key, in one write transaction: if it is interrupted, the database
    /// is still entirely under the old key. Run it with the server stopped (a running server keeps using
    /// the old key until restarted with the new one).
    /// - Returns: what was re-encrypted; `alreadyRotated` if the database is already under `new`'s key.
    /// - Throws: ``KnowledgeStoreError`` `corrupt` if `old` is not the database's key or a value does
    ///   not open, `unavailable` if the database fails.
    public static func rotateKey(in database: SQLiteDatabase, from old: KnowledgeCipher, to new: KnowledgeCipher) async throws -> RotationSummary {
        try await database.write(passing: KnowledgeStoreError.self, failure: KnowledgeStoreError.unavailable) { db in
            if try (Data.fetchOne(db, sql: "SELECT sealedCheck FROM knowledgeKey WHERE id = 1")).flatMap(KnowledgeCipher.keyID(of:)) == new.keyID {
                try checkKey(new, db)
                return RotationSummary(documents: 0, contents: 0, chunks: 0, alreadyRotated: true)
            }
            try checkKey(old, db)
            let oldStore = Codec(cipher: old)
            let newStore = Codec(cipher: new)
            var summary = RotationSummary(documents: 0, contents: 0, chunks: 0, alreadyRotated: false)
            for row in try Row.fetchAll(db, sql: "SELECT * FROM knowledgeDocument") {
                let document = try oldStore.document(from: row)
                let sealed = try newStore.sealedFields(of: document)
                try db.execute(
                    sql: "UPDATE knowledgeDocument SET nameHash = ?, sealedName = ?, sealedSHA256 = ?, sealedFailure = ? WHERE id = ?",
                    arguments: [sealed.nameHash, sealed.name, sealed.sha256, sealed.failure, document.id]
                )
                summary.documents += 1
            }
            for row in try Row.fetchAll(db, sql: "SELECT documentID FROM knowledgeContent") {
                let id: String = row["documentID"]
                // One file at a time: contents can be large.
                guard let sealed = try Data.fetchOne(db, sql: "SELECT sealedContent FROM knowledgeContent WHERE documentID = ?", arguments: [id])
                else { continue }
                let content = try old.open(sealed, context: contentContext(id))
                try db.execute(
                    sql: "UPDATE knowledgeContent SET sealedContent = ? WHERE documentID = ?",
                    arguments: [try new.seal(content, context: contentContext(id)), id]
                )
                summary.contents += 1
            }
            try db.execute(sql: "INSERT INTO knowledgeChunkFTS (knowledgeChunkFTS) VALUES ('delete-all')")
            var last: Int64 = 0
            while true {
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT id, documentID, ordinal, sealedText, sealedVector FROM knowledgeChunk WHERE id > ? ORDER BY id LIMIT 1000",
                    arguments: [last]
                )
                guard let tail = rows.last else { break }
                last = tail["id"]
                for row in rows {
                    let id: Int64 = row["id"]
                    let documentID: String = row["documentID"]
                    let ordinal: Int = row["ordinal"]
                    let text = try old.open(row["sealedText"], context: textContext(documentID, ordinal))
                    let vector = try old.open(row["sealedVector"], context: vectorContext(documentID, ordinal))
                    let stored = try oldStore.openText(row["sealedText"], documentID: documentID, ordinal: ordinal)
                    try db.execute(
                        sql: "UPDATE knowledgeChunk SET sealedText = ?, sealedVector = ? WHERE id = ?",
                        arguments: [
                            try new.seal(text, context: textContext(documentID, ordinal)),
                            try new.seal(vector, context: vectorContext(documentID, ordinal)), id,
                        ]
                    )
                    try db.execute(
                        sql: "INSERT INTO knowledgeChunkFTS (rowid, tokens) VALUES (?, ?)",
                        arguments: [id, newStore.indexTokens(stored.text)]
                    )
                    summary.chunks += 1
                }
            }
            try db.execute(
                sql: "UPDATE knowledgeKey SET sealedCheck = ? WHERE id = 1",
                arguments: [try new.seal(keyCheckText, context: keyCheckContext)]
            )
            return summary
        }
    }
}
