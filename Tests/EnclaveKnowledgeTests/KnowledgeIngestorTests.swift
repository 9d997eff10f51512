// Enclave knowledge tests: ingestion over the in-memory store and a deterministic embedder.

import EnclaveCore
import EnclaveKnowledge
import EnclaveTesting
import Foundation
import InMemoryLogging
import Logging
import Synchronization
import Testing

@Suite struct KnowledgeIngestorTests {
    let store = InMemoryKnowledgeStore()
    let embedder = HashingEmbedder()
    let logs = InMemoryLogHandler()
    let collection = KnowledgeCollection(id: "col_0000000000000001", name: "docs", teamIDs: [], embeddingModel: "test-embed", createdAt: Date())

    init() async throws {
        try await store.createCollection(collection)
    }

    func ingestor(settings: IngestionSettings = IngestionSettings(), embedder: (any EmbeddingBackend)? = nil) -> KnowledgeIngestor {
        let handler = logs
        return KnowledgeIngestor(
            store: store,
            embedders: [embedder ?? self.embedder],
            settings: settings,
            logger: Logger(label: "test") { _ in handler }
        )
    }

    func submit(_ ingestor: KnowledgeIngestor, _ name: String, _ text: String) async throws -> IngestionReceipt {
        try await ingestor.submit(collectionID: collection.id, fileName: name, data: Data(text.utf8))
    }

    func search(_ word: String) async throws -> [ChunkRecord] {
        try await store.chunks(ids: store.keywordSearch(word, inCollections: [collection.id], limit: 10).map(\.chunkID))
    }

    @Test func indexesAQueuedDocumentIntoChunksAndVectors() async throws {
        // Eight tokens a chunk (the chunker's least): the two paragraphs (6 and 5 words) do not fit together.
        let ingestor = ingestor(settings: IngestionSettings(chunkTokens: 8, chunkOverlapTokens: 0))
        let receipt = try await submit(ingestor, "guide.txt", "Install the widget on the bench.\n\nThen calibrate the sprocket carefully.")
        #expect(receipt.status == .queued)
        let id = try #require(receipt.documentID)
        #expect(try await store.document(id: id)?.status == .queued)
        #expect(try await search("sprocket").isEmpty)

        let finished = await ingestor.drain()
        #expect(finished.map(\.id) == [id])
        let document = try #require(try await store.document(id: id))
        #expect(document.status == .ready)
        #expect(document.chunkCount == 2)
        #expect(document.sha256 == "cf3e2c15679030d4cd92c5c78227aa4f25c6e5e94dd9aa6fccf457f9f6bbec59")
        #expect(try await store.content(ofDocument: id) == nil)
        let records = try await search("sprocket")
        #expect(records.map(\.chunk.text) == ["Then calibrate the sprocket carefully."])
        #expect(records.first?.chunk.tokenCount == 5)
        let changes = try await store.vectorChanges(inCollection: collection.id, after: .start)
        #expect(changes.added.count == 2)
        #expect(changes.added.allSatisfy { $0.vector.count == 8 })
    }

    @Test func theSameBytesAreUnchangedUnderTheirNameAndADuplicateUnderAnother() async throws {
        let ingestor = ingestor()
        let first = try await submit(ingestor, "a.txt", "the same words")
        let again = try await submit(ingestor, "a.txt", "the same words")
        #expect(again.status == .unchanged)
        #expect(again.documentID == first.documentID)
        _ = await ingestor.drain()
        let copy = try await submit(ingestor, "copy-of-a.txt", "the same words")
        #expect(copy.status == .duplicate)
        #expect(copy.duplicateOf == "a.txt")
        #expect(copy.documentID == first.documentID)
        #expect(try await store.documents(inCollection: collection.id).map(\.name) == ["a.txt"])
        #expect(await ingestor.queuedCount == 0)
    }

    @Test func aChangedFileReplacesItsOldVersionOnlyWhenTheNewOneCommits() async throws {
        let ingestor = ingestor()
        let old = try await submit(ingestor, "notes.txt", "alpha version")
        _ = await ingestor.drain()
        let new = try await submit(ingestor, "notes.txt", "omega version")
        #expect(new.status == .queued)
        #expect(new.documentID != old.documentID)
        // Until the new version commits, the old one is what a search finds.
        #expect(try await search("alpha").count == 1)
        #expect(try await search("omega").isEmpty)

        _ = await ingestor.drain()
        #expect(try await search("alpha").isEmpty)
        #expect(try await search("omega").map(\.document.id) == [try #require(new.documentID)])
        let documents = try await store.documents(inCollection: collection.id)
        #expect(documents.map(\.id) == [new.documentID])
        let changes = try await store.vectorChanges(inCollection: collection.id, after: .start)
        #expect(changes.added.count == 1)
    }

    @Test func badFilesAreReportedByNameAndTheRestGoIn() async throws {
        let ingestor = ingestor(settings: IngestionSettings(maxDocumentBytes: 64))
        let refused = [
            try await submit(ingestor, "picture.png", "not really a png"),
            try await submit(ingestor, "empty.txt", ""),
            try await submit(ingestor, "big.txt", String(repeating: "word ", count: 20)),
        ]
        #expect(refused.map(\.status) == [.failed, .failed, .failed])
        #expect(refused[0].reason?.contains("'.png' is not a format") == true)
        #expect(refused[1].reason == "the file is empty")
        #expect(refused[2].reason == "the file is 100 bytes, over the limit of 64")
        #expect(refused.allSatisfy { $0.documentID == nil })

        let binary = try await ingestor.submit(collectionID: collection.id, fileName: "binary.txt", data: Data([0x41, 0x00, 0x42]))
        let blank = try await submit(ingestor, "blank.txt", "   \n\n  ")
        let good = try await submit(ingestor, "good.txt", "good words")
        let reports = Mutex<[IngestionProgress]>([])
        let finished = await ingestor.drain { progress in reports.withLock { $0.append(progress) } }

        #expect(finished.map(\.name) == ["binary.txt", "blank.txt", "good.txt"])
        #expect(finished.map(\.isReady) == [false, false, true])
        #expect(finished[0].failure == "the file is binary, not text")
        #expect(finished[1].failure == "the file is empty")
        let progress = reports.withLock { $0 }
        #expect(progress.map(\.documentsDone) == [1, 2, 3])
        #expect(progress.map(\.documentsTotal) == [3, 3, 3])
        #expect(progress.last?.chunks == 1)
        #expect(try await store.document(id: try #require(binary.documentID))?.status == .failed)
        #expect(try await store.document(id: try #require(binary.documentID))?.failure == "the file is binary, not text")
        #expect(try await store.document(id: try #require(blank.documentID))?.status == .failed)
        #expect(try await store.document(id: try #require(good.documentID))?.status == .ready)
        // A failure is logged by id with its reason, never with the document's text.
        #expect(logs.entries.contains { "\($0.metadata)".contains(binary.documentID ?? "?") })
        #expect(!logs.entries.contains { "\($0.metadata)\($0.message)".contains("good words") })
    }

    @Test func aNameThatIsNotAPlainRelativePathIsRefused() async throws {
        let ingestor = ingestor()
        for name in ["../../etc/passwd.txt", "/etc/hosts.txt", "a/./b.txt", "a//b.txt", "tab\there.txt"] {
            let receipt = try await submit(ingestor, name, "words")
            #expect(receipt.status == .failed, "\(name)")
            #expect(receipt.reason?.contains("relative path") == true)
        }
        #expect(try await submit(ingestor, "setup/linux.md", "words").status == .queued)
    }

    @Test func resubmittingAFailedNameDropsTheFailedRecord() async throws {
        let ingestor = ingestor()
        let broken = try await ingestor.submit(collectionID: collection.id, fileName: "x.txt", data: Data([0, 1, 2]))
        _ = await ingestor.drain()
        let fixed = try await submit(ingestor, "x.txt", "fixed text")
        _ = await ingestor.drain()
        let documents = try await store.documents(inCollection: collection.id)
        #expect(documents.map(\.id) == [fixed.documentID])
        #expect(documents.first?.status == .ready)
        #expect(try await store.document(id: try #require(broken.documentID)) == nil)
    }

    @Test func chunksLongerThanTheModelsInputAreCutToFit() async throws {
        let small = HashingEmbedder(maxInputTokens: 8)
        let ingestor = ingestor(embedder: small)
        _ = try await submit(ingestor, "long.txt", (1...40).map { "w\($0)" }.joined(separator: " "))
        let finished = await ingestor.drain()
        #expect(finished.first?.isReady == true)
        #expect(small.longestSequence <= 8)
    }

    @Test func embedsInBatchesOf32() async throws {
        let ingestor = ingestor(settings: IngestionSettings(chunkTokens: 8, chunkOverlapTokens: 0))
        _ = try await submit(ingestor, "many.txt", (1...70).map { "paragraph \($0) alpha beta gamma" }.joined(separator: "\n\n"))
        let finished = await ingestor.drain()
        #expect(finished.first?.chunkCount == 70)
        #expect(embedder.batchSizes == [32, 32, 6])
    }

    @Test func aRestartResumesDocumentsACrashLeftIndexingOrQueued() async throws {
        let now = Date()
        let crashed = KnowledgeDocument(
            id: "doc_00000000000000aa",
            collectionID: collection.id,
            name: "crashed.txt",
            sha256: String(repeating: "0", count: 64),
            byteCount: 13,
            format: "text",
            status: .queued,
            createdAt: now,
            updatedAt: now
        )
        try await store.addDocument(crashed, content: Data("recovered text".utf8))
        try await store.setStatus(ofDocument: crashed.id, to: .indexing, failure: nil)
        var waiting = crashed
        waiting.id = "doc_00000000000000bb"
        waiting.name = "waiting.txt"
        try await store.addDocument(waiting, content: Data("queued text".utf8))
        // Not searchable while unfinished.
        #expect(try await search("recovered").isEmpty)

        let ingestor = ingestor()
        let resumed = try await ingestor.resumeUnfinished()
        #expect(Set(resumed.map(\.id)) == [crashed.id, waiting.id])
        #expect(logs.entries.filter { $0.message.description == "resuming an unfinished document" }.count == 2)
        #expect(logs.entries.contains { "\($0.metadata)".contains("crashed.txt") })
        let finished = await ingestor.drain()
        #expect(finished.allSatisfy { $0.isReady })
        #expect(try await search("recovered").map(\.document.id) == [crashed.id])
        #expect(try await store.documents(withStatus: [.queued, .indexing]).isEmpty)
    }

    @Test func theWorkerIndexesInTheBackgroundAndAShutdownLeavesWorkToResume() async throws {
        let stalled = StalledEmbedder()
        let first = ingestor(embedder: stalled)
        let worker = Task { await first.run() }
        let receipt = try await submit(first, "slow.txt", "slow words")
        let id = try #require(receipt.documentID)
        try await waitUntil { stalled.hasStarted }
        #expect(try await store.document(id: id)?.status == .indexing)
        worker.cancel()
        await worker.value
        // Cancelled mid-way: still indexing, bytes kept, nothing searchable.
        #expect(try await store.document(id: id)?.status == .indexing)
        #expect(try await store.content(ofDocument: id) != nil)
        #expect(try await search("slow").isEmpty)

        let second = ingestor()
        let restarted = Task { await second.run() }
        try await waitUntil { (try? await store.document(id: id))?.status == .ready }
        let later = try await submit(second, "later.txt", "later words")
        try await waitUntil { (try? await store.document(id: later.documentID ?? ""))?.status == .ready }
        restarted.cancel()
        await restarted.value
        #expect(try await search("slow").count == 1)
    }

    @Test func aCollectionWhoseModelIsNotLoadedRefusesUploads() async throws {
        let other = KnowledgeCollection(id: "col_0000000000000002", name: "other", teamIDs: [], embeddingModel: "elsewhere", createdAt: Date())
        try await store.createCollection(other)
        let ingestor = ingestor()
        await #expect(throws: IngestionError.embeddingModelUnavailable("elsewhere")) {
            try await ingestor.submit(collectionID: other.id, fileName: "a.txt", data: Data("x".utf8))
        }
        await #expect(throws: IngestionError.collectionNotFound("col_missing")) {
            try await ingestor.submit(collectionID: "col_missing", fileName: "a.txt", data: Data("x".utf8))
        }
    }

    /// Polls `condition` every 10 ms for up to 5 s.
    func waitUntil(_ condition: @Sendable () async -> Bool) async throws {
        for _ in 0..<500 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting")
    }
}
