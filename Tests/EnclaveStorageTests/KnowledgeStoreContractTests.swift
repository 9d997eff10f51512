// Enclave storage: the contract every KnowledgeStore keeps, run against each implementation.

import EnclaveCore
import EnclaveStorage
import EnclaveTesting
import Foundation
import Testing

/// The knowledge stores under test: in memory, and SQLite (encrypted) over a fresh data directory.
enum KnowledgeStoreKind: String, CaseIterable, CustomTestStringConvertible {
    case memory, sqlite

    var testDescription: String { rawValue }

    func make() throws -> any KnowledgeStore {
        switch self {
        case .memory: InMemoryKnowledgeStore()
        case .sqlite:
            try SQLiteKnowledgeStore(
                database: SQLiteDatabase(dataDirectory: TemporaryDirectory.make().path),
                cipher: KnowledgeCipher(key: .generate())
            )
        }
    }
}

/// Records and content shared by the knowledge store tests.
enum KnowledgeFixtures {
    /// Dates with whole seconds, which every store keeps exactly.
    static func date(_ offset: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(1_700_000_000 + offset)) }

    static func collection(_ name: String, id: String? = nil, teams: [String] = ["tea_one"]) -> KnowledgeCollection {
        KnowledgeCollection(id: id ?? "col_\(name)", name: name, teamIDs: teams, embeddingModel: "all-MiniLM-L6-v2", createdAt: date(0))
    }

    static func document(_ id: String, in collectionID: String, name: String = "guide.md", at offset: Int = 1) -> KnowledgeDocument {
        KnowledgeDocument(
            id: id,
            collectionID: collectionID,
            name: name,
            sha256: String(repeating: "ab", count: 32),
            byteCount: 100,
            format: "markdown",
            status: .queued,
            createdAt: date(offset),
            updatedAt: date(offset)
        )
    }

    static func chunks(_ texts: [String], of documentID: String) -> [DocumentChunk] {
        texts.enumerated().map { ordinal, text in
            DocumentChunk(
                documentID: documentID,
                ordinal: ordinal,
                text: text,
                page: ordinal + 1,
                headingPath: ["Guide", "Part \(ordinal)"],
                tokenCount: text.split(separator: " ").count
            )
        }
    }

    static func vector(_ seed: Int) -> [Float] { (0..<8).map { Float(($0 + seed) % 5) / 4 } }

    /// Adds and commits a document with one chunk per text.
    static func ingest(_ store: any KnowledgeStore, _ document: KnowledgeDocument, _ texts: [String], replacing: String? = nil) async throws {
        try await store.addDocument(document, content: Data(texts.joined(separator: "\n").utf8))
        try await store.commit(
            document: document,
            chunks: chunks(texts, of: document.id),
            vectors: texts.indices.map(vector),
            replacing: replacing
        )
    }
}

@Suite struct KnowledgeStoreContractTests {
    typealias F = KnowledgeFixtures

    static func isError(_ code: KnowledgeStoreError.Code) -> @Sendable (any Error) -> Bool {
        { ($0 as? KnowledgeStoreError)?.code == code }
    }

    @Test(arguments: KnowledgeStoreKind.allCases)
    func collectionsAreCreatedFoundUpdatedAndDeleted(kind: KnowledgeStoreKind) async throws {
        let store = try kind.make()
        let docs = F.collection("docs", teams: ["tea_a", "tea_b"])
        let wiki = F.collection("wiki")
        try await store.createCollection(wiki)
        try await store.createCollection(docs)
        await #expect(throws: KnowledgeStoreError.self) { try await store.createCollection(F.collection("other", id: docs.id)) }
        await #expect(performing: { try await store.createCollection(F.collection("docs", id: "col_x")) }, throws: Self.isError(.duplicate))
        #expect(try await store.collection(id: docs.id) == docs)
        #expect(try await store.collection(named: "wiki") == wiki)
        #expect(try await store.collection(named: "nope") == nil)
        #expect(try await store.collections().map(\.name) == ["docs", "wiki"])

        var renamed = docs
        renamed.name = "manuals"
        renamed.teamIDs = ["tea_c"]
        try await store.updateCollection(renamed)
        #expect(try await store.collection(id: docs.id) == renamed)
        #expect(try await store.collection(named: "docs") == nil)
        var clash = renamed
        clash.name = "wiki"
        await #expect(performing: { try await store.updateCollection(clash) }, throws: Self.isError(.duplicate))
        await #expect(performing: { try await store.updateCollection(F.collection("ghost")) }, throws: Self.isError(.notFound))

        try await store.deleteCollection(id: docs.id)
        #expect(try await store.collection(id: docs.id) == nil)
        #expect(try await store.collections() == [wiki])
        await #expect(performing: { try await store.deleteCollection(id: docs.id) }, throws: Self.isError(.notFound))
    }

    @Test(arguments: KnowledgeStoreKind.allCases)
    func documentsKeepTheirBytesUntilIndexedOrFailed(kind: KnowledgeStoreKind) async throws {
        let store = try kind.make()
        let collection = F.collection("docs")
        try await store.createCollection(collection)
        let document = F.document("doc_1", in: collection.id)
        await #expect(
            performing: { try await store.addDocument(F.document("doc_0", in: "col_none"), content: Data()) },
            throws: Self.isError(.notFound)
        )
        try await store.addDocument(document, content: Data("the bytes".utf8))
        await #expect(performing: { try await store.addDocument(document, content: Data()) }, throws: Self.isError(.duplicate))
        #expect(try await store.document(id: document.id) == document)
        #expect(try await store.content(ofDocument: document.id) == Data("the bytes".utf8))
        #expect(try await store.documents(withStatus: [.queued, .indexing]).map(\.id) == ["doc_1"])
        #expect(try await store.documents(withStatus: [.ready]).isEmpty)

        try await store.setStatus(ofDocument: document.id, to: .indexing, failure: nil)
        #expect(try await store.document(id: document.id)?.status == .indexing)
        #expect(try await store.content(ofDocument: document.id) != nil)
        try await store.setStatus(ofDocument: document.id, to: .failed, failure: "not a PDF")
        let failed = try #require(try await store.document(id: document.id))
        #expect(failed.status == .failed)
        #expect(failed.failure == "not a PDF")
        #expect(try await store.content(ofDocument: document.id) == nil)
        await #expect(performing: { try await store.setStatus(ofDocument: "doc_none", to: .failed, failure: nil) }, throws: Self.isError(.notFound))
    }

    @Test(arguments: KnowledgeStoreKind.allCases)
    func documentsAreListedByNameThenCreation(kind: KnowledgeStoreKind) async throws {
        let store = try kind.make()
        try await store.createCollection(F.collection("docs"))
        try await store.createCollection(F.collection("wiki"))
        try await store.addDocument(F.document("doc_3", in: "col_docs", name: "b.md", at: 1), content: Data())
        try await store.addDocument(F.document("doc_2", in: "col_docs", name: "a.md", at: 5), content: Data())
        try await store.addDocument(F.document("doc_1", in: "col_docs", name: "a.md", at: 9), content: Data())
        try await store.addDocument(F.document("doc_4", in: "col_wiki", name: "a.md", at: 0), content: Data())
        #expect(try await store.documents(inCollection: "col_docs").map(\.id) == ["doc_2", "doc_1", "doc_3"])
        #expect(try await store.documents(withStatus: [.queued]).map(\.id) == ["doc_4", "doc_3", "doc_2", "doc_1"])
    }

    @Test(arguments: KnowledgeStoreKind.allCases)
    func onlyReadyDocumentsAreSearchable(kind: KnowledgeStoreKind) async throws {
        let store = try kind.make()
        try await store.createCollection(F.collection("docs"))
        var document = F.document("doc_1", in: "col_docs")
        try await store.addDocument(document, content: Data("aardvark".utf8))
        #expect(try await store.keywordSearch("aardvark", inCollections: ["col_docs"], limit: 5).isEmpty)
        try await store.setStatus(ofDocument: document.id, to: .indexing, failure: nil)
        #expect(try await store.keywordSearch("aardvark", inCollections: ["col_docs"], limit: 5).isEmpty)

        document.pageCount = 2
        let texts = ["The aardvark digs at night.", "Ants are its food."]
        try await store.commit(document: document, chunks: F.chunks(texts, of: document.id), vectors: [F.vector(0), F.vector(1)], replacing: nil)
        let matches = try await store.keywordSearch("aardvark", inCollections: ["col_docs"], limit: 5)
        #expect(matches.count == 1)
        let record = try #require(try await store.chunks(ids: matches.map(\.chunkID)).first)
        #expect(record.chunk.text == texts[0])
        #expect(record.chunk.headingPath == ["Guide", "Part 0"])
        #expect(record.chunk.page == 1)
        #expect(record.chunk.ordinal == 0)
        #expect(record.chunk.documentID == document.id)
        #expect(record.document.status == .ready)
        #expect(record.document.chunkCount == 2)
        #expect(record.document.pageCount == 2)
        #expect(try await store.content(ofDocument: document.id) == nil)

        // A document taken out of ready (being indexed again) stops being searchable.
        try await store.setStatus(ofDocument: document.id, to: .indexing, failure: nil)
        #expect(try await store.keywordSearch("aardvark", inCollections: ["col_docs"], limit: 5).isEmpty)
        #expect(try await store.chunks(ids: matches.map(\.chunkID)).isEmpty)
        await #expect(
            performing: {
                try await store.commit(document: F.document("doc_none", in: "col_docs"), chunks: [], vectors: [], replacing: nil)
            },
            throws: Self.isError(.notFound)
        )
    }

    @Test(arguments: KnowledgeStoreKind.allCases)
    func anewVersionReplacesTheOldOneInOneCommit(kind: KnowledgeStoreKind) async throws {
        let store = try kind.make()
        try await store.createCollection(F.collection("docs"))
        let old = F.document("doc_old", in: "col_docs", at: 1)
        try await F.ingest(store, old, ["Install with apt.", "Configure the badger daemon."])
        let new = F.document("doc_new", in: "col_docs", at: 2)
        try await store.addDocument(new, content: Data("v2".utf8))
        // Until the new version commits, the old one is what search finds.
        #expect(try await store.keywordSearch("badger", inCollections: ["col_docs"], limit: 5).count == 1)
        #expect(try await store.keywordSearch("wombat", inCollections: ["col_docs"], limit: 5).isEmpty)
        try await store.commit(
            document: new,
            chunks: F.chunks(["Configure the wombat daemon."], of: new.id),
            vectors: [F.vector(3)],
            replacing: old.id
        )
        #expect(try await store.keywordSearch("badger", inCollections: ["col_docs"], limit: 5).isEmpty)
        let matches = try await store.keywordSearch("wombat daemon", inCollections: ["col_docs"], limit: 5)
        #expect(try await store.chunks(ids: matches.map(\.chunkID)).map(\.document.id) == ["doc_new"])
        #expect(try await store.document(id: old.id) == nil)
        #expect(try await store.documents(inCollection: "col_docs").map(\.id) == ["doc_new"])
    }

    @Test(arguments: KnowledgeStoreKind.allCases)
    func deletingRemovesADocumentFromEveryIndex(kind: KnowledgeStoreKind) async throws {
        let store = try kind.make()
        try await store.createCollection(F.collection("docs"))
        try await store.createCollection(F.collection("wiki"))
        let document = F.document("doc_1", in: "col_docs")
        try await F.ingest(store, document, ["Quokkas smile.", "Quokkas live on Rottnest."])
        try await F.ingest(store, F.document("doc_2", in: "col_wiki"), ["Quokkas again."])
        let before = try await store.vectorChanges(inCollection: "col_docs", after: .start)
        let ids = before.added.map(\.chunkID)
        #expect(ids.count == 2)

        try await store.deleteDocument(id: document.id)
        #expect(try await store.document(id: document.id) == nil)
        #expect(try await store.keywordSearch("quokkas", inCollections: ["col_docs"], limit: 5).isEmpty)
        #expect(try await store.chunks(ids: ids).isEmpty)
        let after = try await store.vectorChanges(inCollection: "col_docs", after: before.cursor)
        #expect(after.added.isEmpty)
        #expect(after.removed == ids)
        await #expect(performing: { try await store.deleteDocument(id: document.id) }, throws: Self.isError(.notFound))

        // Deleting a collection deletes its documents and their chunks.
        let wiki = try await store.vectorChanges(inCollection: "col_wiki", after: .start)
        try await store.deleteCollection(id: "col_wiki")
        #expect(try await store.document(id: "doc_2") == nil)
        #expect(try await store.chunks(ids: wiki.added.map(\.chunkID)).isEmpty)
        #expect(try await store.keywordSearch("quokkas", inCollections: ["col_wiki"], limit: 5).isEmpty)
        #expect(try await store.vectorChanges(inCollection: "col_wiki", after: wiki.cursor).removed == wiki.added.map(\.chunkID))
    }

    @Test(arguments: KnowledgeStoreKind.allCases)
    func keywordSearchRanksByBM25WithinTheAskedCollections(kind: KnowledgeStoreKind) async throws {
        let store = try kind.make()
        try await store.createCollection(F.collection("docs"))
        try await store.createCollection(F.collection("wiki"))
        let texts = [
            "zebra zebra zebra grazing slowly",
            "a zebra and a lion at the river",
            "the river runs to the sea",
            "sea birds nest on the cliffs",
            "cliffs of chalk and flint",
            "flint tools of the stone age",
            "Café au lait, s'il vous plaît",
        ]
        try await F.ingest(store, F.document("doc_1", in: "col_docs"), texts)
        try await F.ingest(store, F.document("doc_2", in: "col_wiki"), ["zebra crossings in cities"])
        let changes = try await store.vectorChanges(inCollection: "col_docs", after: .start)
        let ids = changes.added.map(\.chunkID)

        let zebra = try await store.keywordSearch("Zebra!", inCollections: ["col_docs"], limit: 10)
        #expect(zebra.map(\.chunkID) == [ids[0], ids[1]])
        #expect(zebra[0].score > zebra[1].score)
        #expect(zebra[1].score > 0)
        #expect(try await store.keywordSearch("zebra", inCollections: ["col_docs"], limit: 1).map(\.chunkID) == [ids[0]])
        #expect(try await store.keywordSearch("zebra", inCollections: ["col_docs", "col_wiki"], limit: 10).count == 3)
        #expect(try await store.keywordSearch("zebra", inCollections: [], limit: 10).isEmpty)
        #expect(try await store.keywordSearch("zebra", inCollections: ["col_docs"], limit: 0).isEmpty)
        #expect(try await store.keywordSearch("?! ...", inCollections: ["col_docs"], limit: 10).isEmpty)
        // Any word matches (OR); diacritics fold.
        #expect(Set(try await store.keywordSearch("lion flint", inCollections: ["col_docs"], limit: 10).map(\.chunkID)) == [ids[1], ids[4], ids[5]])
        #expect(try await store.keywordSearch("CAFE", inCollections: ["col_docs"], limit: 10).map(\.chunkID) == [ids[6]])
    }

    @Test(arguments: KnowledgeStoreKind.allCases)
    func chunksComeInTheAskedOrderWithoutUnknownOnes(kind: KnowledgeStoreKind) async throws {
        let store = try kind.make()
        try await store.createCollection(F.collection("docs"))
        try await F.ingest(store, F.document("doc_1", in: "col_docs"), ["one", "two", "three"])
        let ids = try await store.vectorChanges(inCollection: "col_docs", after: .start).added.map(\.chunkID)
        let records = try await store.chunks(ids: [ids[2], 999_999, ids[0]])
        #expect(records.map(\.chunk.id) == [ids[2], ids[0]])
        #expect(records.map(\.chunk.text) == ["three", "one"])
        #expect(try await store.chunks(ids: []).isEmpty)
    }

    @Test(arguments: KnowledgeStoreKind.allCases)
    func vectorChangesReportEachAdditionAndRemovalOnce(kind: KnowledgeStoreKind) async throws {
        let store = try kind.make()
        try await store.createCollection(F.collection("docs"))
        try await store.createCollection(F.collection("wiki"))
        try await F.ingest(store, F.document("doc_1", in: "col_docs"), ["one", "two"])
        let first = try await store.vectorChanges(inCollection: "col_docs", after: .start)
        #expect(first.added.map(\.vector) == [F.vector(0), F.vector(1)])
        #expect(first.added.map(\.chunkID) == first.added.map(\.chunkID).sorted())
        #expect(first.removed.isEmpty)
        #expect(first.cursor != .start)

        let none = try await store.vectorChanges(inCollection: "col_docs", after: first.cursor)
        #expect(none.added.isEmpty && none.removed.isEmpty)
        #expect(none.cursor == first.cursor)

        // Another collection's changes move the cursor but are not reported here.
        try await F.ingest(store, F.document("doc_w", in: "col_wiki"), ["elsewhere"])
        let other = try await store.vectorChanges(inCollection: "col_docs", after: first.cursor)
        #expect(other.added.isEmpty && other.removed.isEmpty)

        // A replacement: the new chunks are added, the old ones removed.
        try await F.ingest(store, F.document("doc_2", in: "col_docs", at: 2), ["uno", "dos", "tres"], replacing: "doc_1")
        let replaced = try await store.vectorChanges(inCollection: "col_docs", after: other.cursor)
        #expect(replaced.added.count == 3)
        #expect(replaced.added.allSatisfy { $0.chunkID > first.added.map(\.chunkID).max()! })
        #expect(replaced.removed == first.added.map(\.chunkID))
        #expect(try await store.vectorChanges(inCollection: "col_docs", after: replaced.cursor).added.isEmpty)
        #expect(try await store.vectorChanges(inCollection: "col_docs", after: replaced.cursor).removed.isEmpty)

        // Chunks added and removed between two looks are neither added nor removed.
        try await F.ingest(store, F.document("doc_3", in: "col_docs", at: 3), ["brief"])
        try await store.deleteDocument(id: "doc_3")
        let brief = try await store.vectorChanges(inCollection: "col_docs", after: replaced.cursor)
        #expect(brief.added.isEmpty)
        #expect(brief.removed.isEmpty)
        // From the start, only what is searchable now.
        #expect(try await store.vectorChanges(inCollection: "col_docs", after: .start).added.map(\.chunkID) == replaced.added.map(\.chunkID))
    }
}
