// Enclave storage: how the knowledge store's rows are sealed, opened and decoded.

import EnclaveCore
import Foundation
import GRDB

extension SQLiteKnowledgeStore {
    /// A document's sealed columns.
    struct SealedDocumentFields: Sendable {
        var nameHash: Data
        var name: Data
        var sha256: Data
        var failure: Data?
    }

    /// A chunk ready to insert: sealed text and vector, and its keyword-index tokens.
    struct PreparedChunk: Sendable {
        var ordinal: Int
        var page: Int?
        var tokenCount: Int
        var sealedText: Data
        var sealedVector: Data
        var tokens: String
    }

    /// What a chunk's sealed text holds.
    struct StoredText: Codable, Sendable {
        var text: String
        var headingPath: [String]
    }

    static func nameContext(_ id: String) -> String { "document:\(id):name" }
    static func sha256Context(_ id: String) -> String { "document:\(id):sha256" }
    static func failureContext(_ id: String) -> String { "document:\(id):failure" }
    static func contentContext(_ id: String) -> String { "document:\(id):content" }
    static func textContext(_ documentID: String, _ ordinal: Int) -> String { "chunk:\(documentID):\(ordinal):text" }
    static func vectorContext(_ documentID: String, _ ordinal: Int) -> String { "chunk:\(documentID):\(ordinal):vector" }

    /// Seals, opens and decodes rows with one cipher (the store's, or during a rotation the old and the new).
    struct Codec: Sendable {
        let cipher: KnowledgeCipher

        func sealedFields(of document: KnowledgeDocument) throws(KnowledgeStoreError) -> SealedDocumentFields {
            try sealedFields(of: document, failure: document.failure)
        }

        func sealedFields(of document: KnowledgeDocument, failure: String?) throws(KnowledgeStoreError) -> SealedDocumentFields {
            SealedDocumentFields(
                nameHash: cipher.nameHash(document.name, inCollection: document.collectionID),
                name: try cipher.seal(document.name, context: SQLiteKnowledgeStore.nameContext(document.id)),
                sha256: try cipher.seal(document.sha256, context: SQLiteKnowledgeStore.sha256Context(document.id)),
                failure: try failure.map { failure throws(KnowledgeStoreError) in
                    try cipher.seal(failure, context: SQLiteKnowledgeStore.failureContext(document.id))
                }
            )
        }

        func prepare(_ chunk: DocumentChunk, vector: [Float], documentID: String) throws -> PreparedChunk {
            let text = try JSONEncoder().encode(StoredText(text: chunk.text, headingPath: chunk.headingPath))
            return PreparedChunk(
                ordinal: chunk.ordinal,
                page: chunk.page,
                tokenCount: chunk.tokenCount,
                sealedText: try cipher.seal(text, context: SQLiteKnowledgeStore.textContext(documentID, chunk.ordinal)),
                sealedVector: try cipher.seal(
                    SQLiteKnowledgeStore.encodeVector(vector),
                    context: SQLiteKnowledgeStore.vectorContext(documentID, chunk.ordinal)
                ),
                tokens: indexTokens(chunk.text)
            )
        }

        /// What the keyword index stores for a chunk's text: each word's keyed token, sorted (so the words'
        /// order is not kept), repeats kept (BM25 counts them), separated by spaces.
        func indexTokens(_ text: String) -> String {
            var cache: [String: String] = [:]
            var tokens: [String] = []
            for word in KeywordTokenizer.words(text) {
                if let token = cache[word] {
                    tokens.append(token)
                } else {
                    let token = cipher.token(for: word)
                    cache[word] = token
                    tokens.append(token)
                }
            }
            return tokens.sorted().joined(separator: " ")
        }

        func openText(_ sealed: Data, documentID: String, ordinal: Int) throws -> StoredText {
            let data = try cipher.open(sealed, context: SQLiteKnowledgeStore.textContext(documentID, ordinal))
            do {
                return try JSONDecoder().decode(StoredText.self, from: data)
            } catch {
                throw KnowledgeStoreError.corrupt("the text of chunk \(ordinal) of \(documentID) does not decode")
            }
        }

        func openVector(_ sealed: Data, documentID: String, ordinal: Int) throws -> [Float] {
            let data = try cipher.open(sealed, context: SQLiteKnowledgeStore.vectorContext(documentID, ordinal))
            guard data.count % MemoryLayout<Float>.size == 0 else {
                throw KnowledgeStoreError.corrupt("the vector of chunk \(ordinal) of \(documentID) has \(data.count) bytes")
            }
            return SQLiteKnowledgeStore.decodeVector(data)
        }
    }

    /// The codec of the store's cipher.
    var codec: Codec { Codec(cipher: cipher) }

    /// Float32 little-endian.
    static func encodeVector(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    static func decodeVector(_ data: Data) -> [Float] {
        data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { index in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
    }

    static func encodeTeams(_ teamIDs: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(teamIDs), as: UTF8.self)
    }

    static func collection(from row: Row) throws -> KnowledgeCollection {
        let teams: String = row["teamIDs"]
        guard let teamIDs = try? JSONDecoder().decode([String].self, from: Data(teams.utf8)) else {
            throw KnowledgeStoreError.corrupt("the collection \(row["id"] as String? ?? "?") has unreadable teams")
        }
        return KnowledgeCollection(
            id: row["id"],
            name: row["name"],
            teamIDs: teamIDs,
            embeddingModel: row["embeddingModel"],
            createdAt: row["createdAt"],
            managedBy: row["managedBy"]
        )
    }
}

extension SQLiteKnowledgeStore.Codec {
    func document(from row: Row) throws -> KnowledgeDocument {
        let id: String = row["id"]
        let statusName: String = row["status"]
        guard let status = KnowledgeDocument.Status(rawValue: statusName) else {
            throw KnowledgeStoreError.corrupt("the document \(id) has the unknown status '\(statusName)'")
        }
        let sealedFailure: Data? = row["sealedFailure"]
        return KnowledgeDocument(
            id: id,
            collectionID: row["collectionID"],
            name: try cipher.openString(row["sealedName"], context: SQLiteKnowledgeStore.nameContext(id)),
            sha256: try cipher.openString(row["sealedSHA256"], context: SQLiteKnowledgeStore.sha256Context(id)),
            byteCount: row["byteCount"],
            format: row["format"],
            status: status,
            failure: try sealedFailure.map { sealed throws(KnowledgeStoreError) in
                try cipher.openString(sealed, context: SQLiteKnowledgeStore.failureContext(id))
            },
            pageCount: row["pageCount"],
            chunkCount: row["chunkCount"],
            createdAt: row["createdAt"],
            updatedAt: row["updatedAt"]
        )
    }
}
