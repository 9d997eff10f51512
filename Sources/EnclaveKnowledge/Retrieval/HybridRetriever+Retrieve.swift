// Enclave knowledge: one retrieval, stage by stage.

public import EnclaveCore

extension HybridRetriever {
    public func retrieve(_ query: String, inCollections collectionIDs: [String], settings: RetrievalSettings) async throws -> [RetrievedPassage] {
        let collectionIDs = Array(Set(collectionIDs)).sorted()
        guard !collectionIDs.isEmpty, settings.topK > 0, !query.allSatisfy(\.isWhitespace) else { return [] }
        let vector = try await embedQuery(query)
        return try await retrieve(query, embedding: vector, inCollections: collectionIDs, settings: settings)
    }

    /// ``retrieve(_:inCollections:settings:)`` with the query already embedded (benchmarks time the two apart).
    public func retrieve(
        _ query: String,
        embedding: [Float],
        inCollections collectionIDs: [String],
        settings: RetrievalSettings
    ) async throws -> [RetrievedPassage] {
        let indexes = collectionIDs.map(index(of:))
        for index in indexes { try await index.refresh() }
        let depth = max(configuration.candidates, settings.topK)

        var keyword: [KeywordMatch] = []
        if settings.mode != .vector {
            keyword = try await store.keywordSearch(query, inCollections: collectionIDs, limit: depth)
        }
        var cosines: [Int64: Float] = [:]
        var vectorRanking: [Int64] = []
        if settings.mode != .keyword {
            var merged: [VectorMatch] = []
            for index in indexes { merged += await index.search(embedding, k: depth) }
            merged.sort { $0.cosine > $1.cosine || ($0.cosine == $1.cosine && $0.chunkID < $1.chunkID) }
            for match in merged.prefix(depth) {
                cosines[match.chunkID] = match.cosine
                vectorRanking.append(match.chunkID)
            }
        }
        let missing = keyword.map(\.chunkID).filter { cosines[$0] == nil }
        if !missing.isEmpty {
            for index in indexes { cosines.merge(await index.cosines(of: embedding, chunkIDs: missing)) { a, _ in a } }
        }

        let ranked: [(id: Int64, score: Double)]
        switch settings.mode {
        case .hybrid: ranked = configuration.fusion.fuse([keyword.map(\.chunkID), vectorRanking])
        case .keyword: ranked = keyword.map { ($0.chunkID, $0.score) }
        case .vector: ranked = vectorRanking.map { ($0, Double(cosines[$0] ?? 0)) }
        }
        let relevant = ranked.filter { Double(cosines[$0.id] ?? -.infinity) >= settings.minRelevance }
        guard !relevant.isEmpty else { return [] }

        if settings.rerank, let reranker {
            let records = try await store.chunks(ids: relevant.prefix(configuration.rerankCandidates).map(\.id))
            guard !records.isEmpty else { return [] }
            let scores = try await reranker.rerank(query, passages: records)
            return zip(records, scores)
                .map { RetrievedPassage(record: $0.0, relevance: Double(cosines[$0.0.chunk.id] ?? 0), score: $0.1) }
                .enumerated()
                .sorted { $0.element.score > $1.element.score || ($0.element.score == $1.element.score && $0.offset < $1.offset) }
                .prefix(settings.topK)
                .map(\.element)
        }

        // A chunk deleted since the index's refresh is left out by the store: load a few spare.
        let wanted = relevant.prefix(settings.topK + settings.topK / 2 + 2)
        let scores = Dictionary(uniqueKeysWithValues: wanted.map { ($0.id, $0.score) })
        let records = try await store.chunks(ids: wanted.map(\.id))
        return records.prefix(settings.topK).map { record in
            RetrievedPassage(record: record, relevance: Double(cosines[record.chunk.id] ?? 0), score: scores[record.chunk.id] ?? 0)
        }
    }
}
