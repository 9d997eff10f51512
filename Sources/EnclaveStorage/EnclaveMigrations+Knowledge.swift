// Enclave storage: the knowledge store's tables (migration 009-knowledge).

import GRDB

extension EnclaveMigrations {
    /// Collections, documents, their kept bytes, chunks with their vectors, the log of removed chunks and
    /// the keyword index. Everything a document says is sealed with the ``KnowledgeCipher`` (columns named
    /// `sealed…`): its name, checksum, failure reason, bytes, chunk texts and heading paths, and vectors. The
    /// keyword index (FTS5, contentless) holds for each chunk only its words' keyed hashes, sorted, so
    /// neither a word nor the words' order is stored. Chunk ids and removal sequence numbers are
    /// AUTOINCREMENT (never reused), which the vector index's cursors rely on. `knowledgeKey` holds one
    /// value sealed with the key in use, so a wrong key is refused at start. `knowledgeChunkVocab` reads the
    /// index's per-token document counts, which keyword search uses to leave out near-universal words.
    static func migrateToKnowledge(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE knowledgeKey (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    sealedCheck BLOB NOT NULL
                );
                CREATE TABLE knowledgeCollection (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    teamIDs TEXT NOT NULL,
                    embeddingModel TEXT NOT NULL,
                    createdAt DATETIME NOT NULL,
                    managedBy TEXT
                );
                CREATE TABLE knowledgeDocument (
                    id TEXT PRIMARY KEY,
                    collectionID TEXT NOT NULL REFERENCES knowledgeCollection(id) ON DELETE CASCADE,
                    nameHash BLOB NOT NULL,
                    sealedName BLOB NOT NULL,
                    sealedSHA256 BLOB NOT NULL,
                    byteCount INTEGER NOT NULL,
                    format TEXT NOT NULL,
                    status TEXT NOT NULL,
                    sealedFailure BLOB,
                    pageCount INTEGER NOT NULL,
                    chunkCount INTEGER NOT NULL,
                    createdAt DATETIME NOT NULL,
                    updatedAt DATETIME NOT NULL
                );
                CREATE INDEX knowledgeDocument_collection ON knowledgeDocument(collectionID, nameHash);
                CREATE INDEX knowledgeDocument_status ON knowledgeDocument(status, createdAt);
                CREATE TABLE knowledgeContent (
                    documentID TEXT PRIMARY KEY REFERENCES knowledgeDocument(id) ON DELETE CASCADE,
                    sealedContent BLOB NOT NULL
                );
                CREATE TABLE knowledgeChunk (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    documentID TEXT NOT NULL REFERENCES knowledgeDocument(id) ON DELETE CASCADE,
                    collectionID TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    page INTEGER,
                    tokenCount INTEGER NOT NULL,
                    sealedText BLOB NOT NULL,
                    sealedVector BLOB NOT NULL,
                    UNIQUE (documentID, ordinal)
                );
                CREATE INDEX knowledgeChunk_collection ON knowledgeChunk(collectionID, id);
                CREATE TABLE knowledgeRemoval (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    collectionID TEXT NOT NULL,
                    chunkID INTEGER NOT NULL
                );
                CREATE INDEX knowledgeRemoval_collection ON knowledgeRemoval(collectionID, sequence);
                CREATE VIRTUAL TABLE knowledgeChunkFTS USING fts5(tokens, content = '');
                CREATE VIRTUAL TABLE knowledgeChunkVocab USING fts5vocab(knowledgeChunkFTS, 'row');
                """
        )
    }
}
