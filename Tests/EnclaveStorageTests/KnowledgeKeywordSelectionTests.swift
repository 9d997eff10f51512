// Enclave storage: which query words the SQLite knowledge store's keyword search matches on.

import EnclaveCore
import EnclaveStorage
import Foundation
import Testing

@Suite struct KnowledgeKeywordSelectionTests {
    typealias F = KnowledgeFixtures

    @Test func wordsInMostChunksAreLeftOutWhenRarerOnesRemain() async throws {
        let store = try SQLiteKnowledgeStore(
            database: SQLiteDatabase(dataDirectory: TemporaryDirectory.make().path),
            cipher: KnowledgeCipher(key: .generate()),
            commonWordFloor: 2
        )
        try await store.createCollection(F.collection("docs"))
        // "the" is in all 30 chunks, "often" in 5, "pangolin" in one.
        let texts = (0..<30).map { index in
            "the chunk number \(index)" + (index % 6 == 0 ? " often" : "") + (index == 7 ? " pangolin" : "")
        }
        try await F.ingest(store, F.document("doc_1", in: "col_docs"), texts)
        let ids = try await store.vectorChanges(inCollection: "col_docs", after: .start).added.map(\.chunkID)
        // "the" (30 > max(2, 3)) and "often" (5 > 3) go; "pangolin" decides.
        #expect(try await store.keywordSearch("the often pangolin", inCollections: ["col_docs"], limit: 50).map(\.chunkID) == [ids[7]])
        // Only common words: the rarest is kept.
        #expect(
            Set(try await store.keywordSearch("the often", inCollections: ["col_docs"], limit: 50).map(\.chunkID))
                == Set([0, 6, 12, 18, 24].map { ids[$0] })
        )
        // With the default floor, a small collection is matched on every word.
        let exact = try SQLiteKnowledgeStore(database: store.database, cipher: store.cipher)
        #expect(try await exact.keywordSearch("the often pangolin", inCollections: ["col_docs"], limit: 50).count == 30)
    }
}
