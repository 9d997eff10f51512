// Enclave storage: keyword search, chunk lookup and vector changes of the SQLite knowledge store.

public import EnclaveCore
import Foundation
import GRDB

extension SQLiteKnowledgeStore {
    /// BM25 over the keyword index (FTS5's `bm25()`, negated so that larger is better), for chunks of ready
    /// documents in `collectionIDs`. The query's words are hashed with the token key like the chunks' and
    /// matched with OR; ties go to the older chunk.
    ///
    /// Words in more than a tenth of all chunks (and in more than ``commonWordFloor`` of them) are left out
    /// of the match when rarer words remain: their BM25 weight is small (nil past half the chunks, where
    /// FTS5 clamps it) and their postings lists are what makes an OR query slow at 100k chunks. A query of
    /// only such words keeps its rarest one.
    public func keywordSearch(_ query: String, inCollections collectionIDs: [String], limit: Int) async throws -> [KeywordMatch] {
        let tokens = Set(KeywordTokenizer.words(query).map(cipher.token(for:))).sorted()
        let collections = Array(Set(collectionIDs)).sorted()
        guard !tokens.isEmpty, !collections.isEmpty, limit > 0 else { return [] }
        let marks = Array(repeating: "?", count: collections.count).joined(separator: ", ")
        return try await read { db in
            let selected = try Self.selectTokens(tokens, floor: self.commonWordFloor, db)
            guard !selected.isEmpty else { return [] }
            var arguments: StatementArguments = [selected.map { "\"\($0)\"" }.joined(separator: " OR ")]
            arguments += StatementArguments(collections)
            arguments += [limit]
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id AS id, bm25(knowledgeChunkFTS) AS rank
                    FROM knowledgeChunkFTS
                    JOIN knowledgeChunk c ON c.id = knowledgeChunkFTS.rowid
                    JOIN knowledgeDocument d ON d.id = c.documentID
                    WHERE knowledgeChunkFTS MATCH ? AND c.collectionID IN (\(marks)) AND d.status = 'ready'
                    ORDER BY rank, c.id
                    LIMIT ?
                    """,
                arguments: arguments
            )
            .map { row in KeywordMatch(chunkID: row["id"], score: -(row["rank"] as Double)) }
        }
    }

    /// The query tokens worth matching: those in some chunk, without the near-universal ones (see
    /// ``keywordSearch(_:inCollections:limit:)``).
    static func selectTokens(_ tokens: [String], floor: Int, _ db: Database) throws -> [String] {
        var counts: [(token: String, documents: Int)] = []
        for token in tokens {
            let documents = try Int.fetchOne(db, sql: "SELECT doc FROM knowledgeChunkVocab WHERE term = ?", arguments: [token]) ?? 0
            if documents > 0 { counts.append((token, documents)) }
        }
        let total = try indexedRowCount(db)
        let ceiling = max(floor, total / 10)
        let kept = counts.filter { $0.documents <= ceiling }.map(\.token)
        if kept.isEmpty, let rarest = counts.min(by: { ($0.documents, $0.token) < ($1.documents, $1.token) }) { return [rarest.token] }
        return kept
    }

    /// The keyword index's number of rows, from FTS5's averages record (its first varint).
    static func indexedRowCount(_ db: Database) throws -> Int {
        guard let block = try Data.fetchOne(db, sql: "SELECT block FROM knowledgeChunkFTS_data WHERE id = 1") else { return 0 }
        var value: UInt64 = 0
        for (index, byte) in block.prefix(9).enumerated() {
            if index == 8 { return Int(clamping: (value << 8) | UInt64(byte)) }
            value = (value << 7) | UInt64(byte & 0x7f)
            if byte & 0x80 == 0 { break }
        }
        return Int(clamping: value)
    }

    public func chunks(ids: [Int64]) async throws -> [ChunkRecord] {
        let wanted = Array(Set(ids)).sorted()
        guard !wanted.isEmpty else { return [] }
        let records = try await read { db in
            var found: [Row] = []
            // Bounded statements: SQLite limits the number of parameters.
            for start in stride(from: 0, to: wanted.count, by: 500) {
                let slice = Array(wanted[start..<min(start + 500, wanted.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ", ")
                found += try Row.fetchAll(
                    db,
                    sql: """
                        SELECT c.id AS chunkID, c.ordinal, c.page, c.tokenCount, c.sealedText, d.*
                        FROM knowledgeChunk c JOIN knowledgeDocument d ON d.id = c.documentID
                        WHERE c.id IN (\(marks)) AND d.status = 'ready'
                        """,
                    arguments: StatementArguments(slice)
                )
            }
            return try self.records(from: found)
        }
        return ids.compactMap { records[$0] }
    }

    private func records(from rows: [Row]) throws -> [Int64: ChunkRecord] {
        var documents: [String: KnowledgeDocument] = [:]
        var records: [Int64: ChunkRecord] = [:]
        for row in rows {
            let documentID: String = row["id"]
            let document: KnowledgeDocument
            if let known = documents[documentID] {
                document = known
            } else {
                document = try self.codec.document(from: row)
                documents[documentID] = document
            }
            let ordinal: Int = row["ordinal"]
            let stored = try codec.openText(row["sealedText"], documentID: documentID, ordinal: ordinal)
            let chunk = DocumentChunk(
                id: row["chunkID"],
                documentID: documentID,
                ordinal: ordinal,
                text: stored.text,
                page: row["page"],
                headingPath: stored.headingPath,
                tokenCount: row["tokenCount"]
            )
            records[chunk.id] = ChunkRecord(chunk: chunk, document: document)
        }
        return records
    }

    public func vectorChanges(inCollection collectionID: String, after cursor: KnowledgeCursor) async throws -> VectorChanges {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT id, documentID, ordinal, sealedVector FROM knowledgeChunk WHERE collectionID = ? AND id > ? ORDER BY id",
                arguments: [collectionID, cursor.lastChunkID]
            )
            let removed = try Int64.fetchAll(
                db,
                sql: "SELECT chunkID FROM knowledgeRemoval WHERE collectionID = ? AND sequence > ? AND chunkID <= ? ORDER BY sequence",
                arguments: [collectionID, cursor.lastRemoval, cursor.lastChunkID]
            )
            let lastChunk = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'knowledgeChunk'") ?? 0
            let lastRemoval = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'knowledgeRemoval'") ?? 0
            let added = try rows.map { row in
                ChunkVector(
                    chunkID: row["id"],
                    vector: try self.codec.openVector(row["sealedVector"], documentID: row["documentID"], ordinal: row["ordinal"])
                )
            }
            return VectorChanges(
                added: added,
                removed: removed,
                cursor: KnowledgeCursor(lastChunkID: max(cursor.lastChunkID, lastChunk), lastRemoval: max(cursor.lastRemoval, lastRemoval))
            )
        }
    }
}
