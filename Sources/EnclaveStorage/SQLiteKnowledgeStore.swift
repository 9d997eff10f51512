// Enclave storage: collections, documents and chunks in SQLite, encrypted at rest.

public import EnclaveCore
public import Foundation
import GRDB

/// A ``KnowledgeStore`` in Enclave's SQLite database (migration `009-knowledge`), with everything a
/// document says sealed by a ``KnowledgeCipher``: names, checksums, failure reasons, kept bytes, chunk
/// texts, heading paths and vectors. The keyword index holds keyed hashes of words, never words.
///
/// Chunks, vectors and keyword rows are written only by ``commit(document:chunks:vectors:replacing:)``, in
/// the transaction that makes their document ready and deletes the version it replaces, so a search never
/// sees half a document or two versions of one.
///
/// ```swift
/// let key = try KnowledgeKeyFile.key(configured: nil, dataDirectory: "data")
/// let store = try SQLiteKnowledgeStore(database: database, cipher: KnowledgeCipher(key: key))
/// ```
public final class SQLiteKnowledgeStore: KnowledgeStore {
    /// The database the knowledge is in.
    public let database: SQLiteDatabase
    /// What seals and opens it.
    public let cipher: KnowledgeCipher
    /// Below this many chunks containing it, keyword search never leaves a word out of a query (see
    /// ``keywordSearch(_:inCollections:limit:)``).
    public let commonWordFloor: Int

    /// The plaintext the key check seals.
    static let keyCheckText = "enclave knowledge key check"
    /// The key check's associated data.
    static let keyCheckContext = "knowledgeKey:1"

    /// A store over an open database. The first store to open a database binds it to its key; later ones
    /// must bring the same key.
    /// - Parameters:
    ///   - database: The open database.
    ///   - cipher: The cipher of the knowledge key.
    ///   - commonWordFloor: Keyword search leaves out of a query only words in more chunks than this
    ///     (and than a tenth of all chunks).
    /// - Throws: ``KnowledgeStoreError`` `corrupt` if the database's documents are encrypted with another
    ///   key (the message says what to do), `unavailable` if the database cannot be read or written.
    public init(database: SQLiteDatabase, cipher: KnowledgeCipher, commonWordFloor: Int = 2_000) throws {
        self.database = database
        self.cipher = cipher
        self.commonWordFloor = commonWordFloor
        do {
            try database.pool.write { db in try Self.checkKey(cipher, db) }
        } catch let error as KnowledgeStoreError {
            throw error
        } catch {
            throw KnowledgeStoreError.unavailable("cannot open the knowledge store: \(SQLiteDatabase.describe(error))")
        }
    }

    /// Checks that `cipher` opens the database's key check, writing one if there is none.
    static func checkKey(_ cipher: KnowledgeCipher, _ db: Database) throws {
        guard let sealed = try Data.fetchOne(db, sql: "SELECT sealedCheck FROM knowledgeKey WHERE id = 1") else {
            try db.execute(
                sql: "INSERT INTO knowledgeKey (id, sealedCheck) VALUES (1, ?)",
                arguments: [try cipher.seal(keyCheckText, context: keyCheckContext)]
            )
            return
        }
        if let stored = KnowledgeCipher.keyID(of: sealed), stored != cipher.keyID {
            throw KnowledgeStoreError.corrupt(
                "the knowledge key in use (id \(cipher.keyIDHex)) is not the key this database's documents are encrypted with (id "
                    + "\(stored.map { String(format: "%02x", $0) }.joined())): set knowledge.encryption_key (or ENCLAVE_KNOWLEDGE_KEY) to "
                    + "that key, or put its file back at <data dir>/\(KnowledgeKeyFile.fileName); after an interrupted "
                    + "`enclave knowledge rotate-key`, run it again"
            )
        }
        guard try cipher.openString(sealed, context: keyCheckContext) == keyCheckText else {
            throw KnowledgeStoreError.corrupt("the knowledge key check does not match: the database is damaged")
        }
    }

    // MARK: Collections

    public func createCollection(_ collection: KnowledgeCollection) async throws {
        let teams = try Self.encodeTeams(collection.teamIDs)
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM knowledgeCollection WHERE id = ?", arguments: [collection.id]) != nil {
                throw KnowledgeStoreError.duplicate("collection", collection.id)
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM knowledgeCollection WHERE name = ?", arguments: [collection.name]) != nil {
                throw KnowledgeStoreError.duplicate("collection", collection.name)
            }
            try db.execute(
                sql: "INSERT INTO knowledgeCollection (id, name, teamIDs, embeddingModel, createdAt, managedBy) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [collection.id, collection.name, teams, collection.embeddingModel, collection.createdAt, collection.managedBy]
            )
        }
    }

    public func updateCollection(_ collection: KnowledgeCollection) async throws {
        let teams = try Self.encodeTeams(collection.teamIDs)
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM knowledgeCollection WHERE id = ?", arguments: [collection.id]) != nil else {
                throw KnowledgeStoreError.notFound("collection", collection.id)
            }
            let taken = try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM knowledgeCollection WHERE name = ? AND id != ?",
                arguments: [collection.name, collection.id]
            )
            guard taken == nil else { throw KnowledgeStoreError.duplicate("collection", collection.name) }
            try db.execute(
                sql: "UPDATE knowledgeCollection SET name = ?, teamIDs = ?, embeddingModel = ?, createdAt = ?, managedBy = ? WHERE id = ?",
                arguments: [collection.name, teams, collection.embeddingModel, collection.createdAt, collection.managedBy, collection.id]
            )
        }
    }

    public func collection(id: String) async throws -> KnowledgeCollection? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM knowledgeCollection WHERE id = ?", arguments: [id]).map(Self.collection(from:))
        }
    }

    public func collection(named name: String) async throws -> KnowledgeCollection? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM knowledgeCollection WHERE name = ?", arguments: [name]).map(Self.collection(from:))
        }
    }

    public func collections() async throws -> [KnowledgeCollection] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM knowledgeCollection").map(Self.collection(from:)).sorted { $0.name < $1.name }
        }
    }

    public func deleteCollection(id: String) async throws {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM knowledgeCollection WHERE id = ?", arguments: [id]) != nil else {
                throw KnowledgeStoreError.notFound("collection", id)
            }
            let documents = try String.fetchAll(db, sql: "SELECT id FROM knowledgeDocument WHERE collectionID = ? ORDER BY id", arguments: [id])
            for document in documents { try self.removeDocument(document, db) }
            try db.execute(sql: "DELETE FROM knowledgeCollection WHERE id = ?", arguments: [id])
        }
    }

    // MARK: Documents

    public func addDocument(_ document: KnowledgeDocument, content: Data) async throws {
        let sealed = try codec.sealedFields(of: document)
        let sealedContent = try cipher.seal(content, context: Self.contentContext(document.id))
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM knowledgeCollection WHERE id = ?", arguments: [document.collectionID]) != nil else {
                throw KnowledgeStoreError.notFound("collection", document.collectionID)
            }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM knowledgeDocument WHERE id = ?", arguments: [document.id]) == nil else {
                throw KnowledgeStoreError.duplicate("document", document.id)
            }
            try db.execute(
                sql: """
                    INSERT INTO knowledgeDocument (id, collectionID, nameHash, sealedName, sealedSHA256, byteCount, format, status,
                        sealedFailure, pageCount, chunkCount, createdAt, updatedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    document.id, document.collectionID, sealed.nameHash, sealed.name, sealed.sha256, document.byteCount, document.format,
                    document.status.rawValue, sealed.failure, document.pageCount, document.chunkCount, document.createdAt, document.updatedAt,
                ]
            )
            try db.execute(
                sql: "INSERT INTO knowledgeContent (documentID, sealedContent) VALUES (?, ?)",
                arguments: [document.id, sealedContent]
            )
        }
    }

    public func document(id: String) async throws -> KnowledgeDocument? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM knowledgeDocument WHERE id = ?", arguments: [id]).map(self.codec.document(from:))
        }
    }

    public func documents(inCollection collectionID: String) async throws -> [KnowledgeDocument] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM knowledgeDocument WHERE collectionID = ?", arguments: [collectionID])
                .map(self.codec.document(from:))
                .sorted { ($0.name, $0.createdAt, $0.id) < ($1.name, $1.createdAt, $1.id) }
        }
    }

    public func documents(withStatus statuses: Set<KnowledgeDocument.Status>) async throws -> [KnowledgeDocument] {
        guard !statuses.isEmpty else { return [] }
        let names = statuses.map(\.rawValue).sorted()
        return try await read { db in
            let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
            return try Row.fetchAll(
                db,
                sql: "SELECT * FROM knowledgeDocument WHERE status IN (\(marks))",
                arguments: StatementArguments(names)
            )
            .map(self.codec.document(from:))
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    public func content(ofDocument id: String) async throws -> Data? {
        let sealed = try await read { db in
            try Data.fetchOne(db, sql: "SELECT sealedContent FROM knowledgeContent WHERE documentID = ?", arguments: [id])
        }
        return try sealed.map { sealed throws(KnowledgeStoreError) in try cipher.open(sealed, context: Self.contentContext(id)) }
    }

    public func setStatus(ofDocument id: String, to status: KnowledgeDocument.Status, failure: String?) async throws {
        let sealedFailure = try failure.map { failure throws(KnowledgeStoreError) in try cipher.seal(failure, context: Self.failureContext(id)) }
        try await write { db in
            try db.execute(
                sql: "UPDATE knowledgeDocument SET status = ?, sealedFailure = ?, updatedAt = ? WHERE id = ?",
                arguments: [status.rawValue, sealedFailure, Date(), id]
            )
            guard db.changesCount > 0 else { throw KnowledgeStoreError.notFound("document", id) }
            if status == .failed { try db.execute(sql: "DELETE FROM knowledgeContent WHERE documentID = ?", arguments: [id]) }
        }
    }

    public func commit(document: KnowledgeDocument, chunks: [DocumentChunk], vectors: [[Float]], replacing: String?) async throws {
        precondition(chunks.count == vectors.count, "one vector per chunk")
        // Seal and hash before taking the write lock: readers and other writers wait only for the inserts.
        let sealed = try codec.sealedFields(of: document, failure: nil)
        let prepared = try zip(chunks, vectors).map { chunk, vector in try codec.prepare(chunk, vector: vector, documentID: document.id) }
        try await write { db in
            guard
                let collectionID = try String.fetchOne(
                    db,
                    sql: "SELECT collectionID FROM knowledgeDocument WHERE id = ?",
                    arguments: [document.id]
                )
            else { throw KnowledgeStoreError.notFound("document", document.id) }
            if let replacing, replacing != document.id { try self.removeDocument(replacing, db) }
            try self.removeChunks(ofDocument: document.id, collectionID: collectionID, db)
            for chunk in prepared {
                try db.execute(
                    sql: """
                        INSERT INTO knowledgeChunk (documentID, collectionID, ordinal, page, tokenCount, sealedText, sealedVector)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [document.id, collectionID, chunk.ordinal, chunk.page, chunk.tokenCount, chunk.sealedText, chunk.sealedVector]
                )
                try db.execute(
                    sql: "INSERT INTO knowledgeChunkFTS (rowid, tokens) VALUES (?, ?)",
                    arguments: [db.lastInsertedRowID, chunk.tokens]
                )
            }
            try db.execute(
                sql: """
                    UPDATE knowledgeDocument SET nameHash = ?, sealedName = ?, sealedSHA256 = ?, byteCount = ?, format = ?, status = ?,
                        sealedFailure = NULL, pageCount = ?, chunkCount = ?, createdAt = ?, updatedAt = ?
                    WHERE id = ?
                    """,
                arguments: [
                    sealed.nameHash, sealed.name, sealed.sha256, document.byteCount, document.format, KnowledgeDocument.Status.ready.rawValue,
                    document.pageCount, chunks.count, document.createdAt, document.updatedAt, document.id,
                ]
            )
            try db.execute(sql: "DELETE FROM knowledgeContent WHERE documentID = ?", arguments: [document.id])
        }
    }

    public func deleteDocument(id: String) async throws {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM knowledgeDocument WHERE id = ?", arguments: [id]) != nil else {
                throw KnowledgeStoreError.notFound("document", id)
            }
            try self.removeDocument(id, db)
        }
    }

    /// Deletes a document (if it exists) with its kept bytes, chunks, vectors and keyword rows, logging
    /// each chunk's removal for ``vectorChanges(inCollection:after:)``.
    func removeDocument(_ id: String, _ db: Database) throws {
        guard let collectionID = try String.fetchOne(db, sql: "SELECT collectionID FROM knowledgeDocument WHERE id = ?", arguments: [id]) else {
            return
        }
        try removeChunks(ofDocument: id, collectionID: collectionID, db)
        try db.execute(sql: "DELETE FROM knowledgeDocument WHERE id = ?", arguments: [id])
    }

    /// Deletes a document's chunks from the chunk table and the keyword index, logging their removal.
    func removeChunks(ofDocument id: String, collectionID: String, _ db: Database) throws {
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT id, ordinal, sealedText FROM knowledgeChunk WHERE documentID = ? ORDER BY id",
            arguments: [id]
        )
        for row in rows {
            let chunkID: Int64 = row["id"]
            let ordinal: Int = row["ordinal"]
            let stored = try codec.openText(row["sealedText"], documentID: id, ordinal: ordinal)
            // A contentless FTS5 table deletes a row given the exact tokens it was indexed with.
            try db.execute(
                sql: "INSERT INTO knowledgeChunkFTS (knowledgeChunkFTS, rowid, tokens) VALUES ('delete', ?, ?)",
                arguments: [chunkID, codec.indexTokens(stored.text)]
            )
            try db.execute(sql: "INSERT INTO knowledgeRemoval (collectionID, chunkID) VALUES (?, ?)", arguments: [collectionID, chunkID])
        }
        try db.execute(sql: "DELETE FROM knowledgeChunk WHERE documentID = ?", arguments: [id])
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(passing: KnowledgeStoreError.self, failure: KnowledgeStoreError.unavailable, body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write(passing: KnowledgeStoreError.self, failure: KnowledgeStoreError.unavailable, body)
    }
}
