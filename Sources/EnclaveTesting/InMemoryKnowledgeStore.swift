// Enclave testing: collections, documents and chunks in memory.

public import EnclaveCore
public import Foundation

/// A ``KnowledgeStore`` kept in memory, with the SQLite store's behaviour (the contract suite runs against
/// both). Its keyword search is BM25 (k1 1.2, b 0.75) over the words ``KeywordTokenizer`` splits, as the
/// SQLite store indexes them.
public actor InMemoryKnowledgeStore: KnowledgeStore {
    private var collectionsByID: [String: KnowledgeCollection] = [:]
    private var documentsByID: [String: KnowledgeDocument] = [:]
    private var contents: [String: Data] = [:]
    private var chunksByID: [Int64: DocumentChunk] = [:]
    private var vectorsByChunk: [Int64: [Float]] = [:]
    private var removals: [(sequence: Int64, collectionID: String, chunkID: Int64)] = []
    private var nextChunkID: Int64 = 1
    private var nextRemoval: Int64 = 1

    /// Creates an empty store.
    public init() {}

    public func createCollection(_ collection: KnowledgeCollection) throws {
        guard collectionsByID[collection.id] == nil else { throw KnowledgeStoreError.duplicate("collection", collection.id) }
        guard !collectionsByID.values.contains(where: { $0.name == collection.name }) else {
            throw KnowledgeStoreError.duplicate("collection", collection.name)
        }
        collectionsByID[collection.id] = collection
    }

    public func updateCollection(_ collection: KnowledgeCollection) throws {
        guard collectionsByID[collection.id] != nil else { throw KnowledgeStoreError.notFound("collection", collection.id) }
        guard !collectionsByID.values.contains(where: { $0.name == collection.name && $0.id != collection.id }) else {
            throw KnowledgeStoreError.duplicate("collection", collection.name)
        }
        collectionsByID[collection.id] = collection
    }

    public func collection(id: String) -> KnowledgeCollection? { collectionsByID[id] }

    public func collection(named name: String) -> KnowledgeCollection? { collectionsByID.values.first { $0.name == name } }

    public func collections() -> [KnowledgeCollection] { collectionsByID.values.sorted { $0.name < $1.name } }

    public func deleteCollection(id: String) throws {
        guard collectionsByID.removeValue(forKey: id) != nil else { throw KnowledgeStoreError.notFound("collection", id) }
        for document in documentsByID.values where document.collectionID == id {
            removeDocument(document.id)
        }
    }

    public func addDocument(_ document: KnowledgeDocument, content: Data) throws {
        guard collectionsByID[document.collectionID] != nil else { throw KnowledgeStoreError.notFound("collection", document.collectionID) }
        guard documentsByID[document.id] == nil else { throw KnowledgeStoreError.duplicate("document", document.id) }
        documentsByID[document.id] = document
        contents[document.id] = content
    }

    public func document(id: String) -> KnowledgeDocument? { documentsByID[id] }

    public func documents(inCollection collectionID: String) -> [KnowledgeDocument] {
        documentsByID.values.filter { $0.collectionID == collectionID }.sorted { ($0.name, $0.createdAt, $0.id) < ($1.name, $1.createdAt, $1.id) }
    }

    public func documents(withStatus statuses: Set<KnowledgeDocument.Status>) -> [KnowledgeDocument] {
        documentsByID.values.filter { statuses.contains($0.status) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func content(ofDocument id: String) -> Data? { contents[id] }

    public func setStatus(ofDocument id: String, to status: KnowledgeDocument.Status, failure: String?) throws {
        guard var document = documentsByID[id] else { throw KnowledgeStoreError.notFound("document", id) }
        document.status = status
        document.failure = failure
        document.updatedAt = Date()
        documentsByID[id] = document
        if status == .failed { contents[id] = nil }
    }

    public func commit(document: KnowledgeDocument, chunks: [DocumentChunk], vectors: [[Float]], replacing: String?) throws {
        guard documentsByID[document.id] != nil else { throw KnowledgeStoreError.notFound("document", document.id) }
        precondition(chunks.count == vectors.count, "one vector per chunk")
        if let replacing, replacing != document.id { removeDocument(replacing) }
        // A document committed again keeps only its new chunks.
        removeChunks(ofDocument: document.id, collectionID: document.collectionID)
        for (chunk, vector) in zip(chunks, vectors) {
            var stored = chunk
            stored.id = nextChunkID
            stored.documentID = document.id
            nextChunkID += 1
            chunksByID[stored.id] = stored
            vectorsByChunk[stored.id] = vector
        }
        var ready = document
        ready.status = .ready
        ready.failure = nil
        ready.chunkCount = chunks.count
        documentsByID[document.id] = ready
        contents[document.id] = nil
    }

    public func deleteDocument(id: String) throws {
        guard documentsByID[id] != nil else { throw KnowledgeStoreError.notFound("document", id) }
        removeDocument(id)
    }

    private func removeDocument(_ id: String) {
        guard let document = documentsByID.removeValue(forKey: id) else { return }
        contents[id] = nil
        removeChunks(ofDocument: id, collectionID: document.collectionID)
    }

    private func removeChunks(ofDocument id: String, collectionID: String) {
        for chunk in chunksByID.values.filter({ $0.documentID == id }).sorted(by: { $0.id < $1.id }) {
            chunksByID[chunk.id] = nil
            vectorsByChunk[chunk.id] = nil
            removals.append((nextRemoval, collectionID, chunk.id))
            nextRemoval += 1
        }
    }

    public func keywordSearch(_ query: String, inCollections collectionIDs: [String], limit: Int) -> [KeywordMatch] {
        let terms = Set(Self.words(query))
        guard !terms.isEmpty, limit > 0 else { return [] }
        let wanted = Set(collectionIDs)
        let candidates = chunksByID.values.filter { chunk in
            guard let document = documentsByID[chunk.documentID] else { return false }
            return document.status == .ready && wanted.contains(document.collectionID)
        }
        let tokenized = candidates.map { ($0.id, Self.words($0.text)) }
        guard !tokenized.isEmpty else { return [] }
        let averageLength = Double(tokenized.map(\.1.count).reduce(0, +)) / Double(tokenized.count)
        var documentFrequency: [String: Int] = [:]
        for (_, words) in tokenized {
            for term in Set(words).intersection(terms) { documentFrequency[term, default: 0] += 1 }
        }
        let total = Double(tokenized.count)
        var matches: [KeywordMatch] = []
        for (id, words) in tokenized {
            var score = 0.0
            let length = Double(words.count)
            for term in terms {
                let frequency = Double(words.lazy.filter { $0 == term }.count)
                guard frequency > 0, let df = documentFrequency[term] else { continue }
                let idf = log((total - Double(df) + 0.5) / (Double(df) + 0.5) + 1)
                score += idf * frequency * 2.2 / (frequency + 1.2 * (0.25 + 0.75 * length / max(averageLength, 1)))
            }
            if score > 0 { matches.append(KeywordMatch(chunkID: id, score: score)) }
        }
        return Array(matches.sorted { ($0.score, -$0.chunkID) > ($1.score, -$1.chunkID) }.prefix(limit))
    }

    public func chunks(ids: [Int64]) -> [ChunkRecord] {
        ids.compactMap { id in
            guard let chunk = chunksByID[id], let document = documentsByID[chunk.documentID], document.status == .ready else { return nil }
            return ChunkRecord(chunk: chunk, document: document)
        }
    }

    public func vectorChanges(inCollection collectionID: String, after cursor: KnowledgeCursor) -> VectorChanges {
        let added = chunksByID.values
            .filter { $0.id > cursor.lastChunkID && documentsByID[$0.documentID]?.collectionID == collectionID }
            .sorted { $0.id < $1.id }
            .compactMap { chunk in vectorsByChunk[chunk.id].map { ChunkVector(chunkID: chunk.id, vector: $0) } }
        let removed = removals.filter { $0.sequence > cursor.lastRemoval && $0.collectionID == collectionID && $0.chunkID <= cursor.lastChunkID }
        let next = KnowledgeCursor(
            lastChunkID: max(cursor.lastChunkID, nextChunkID - 1),
            lastRemoval: max(cursor.lastRemoval, nextRemoval - 1)
        )
        return VectorChanges(added: added, removed: removed.map(\.chunkID), cursor: next)
    }

    static func words(_ text: String) -> [String] { KeywordTokenizer.words(text) }
}
