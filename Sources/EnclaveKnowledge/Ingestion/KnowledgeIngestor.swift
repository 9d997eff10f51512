// Enclave knowledge: taking files into collections, in the background and resumably.

import Crypto
public import EnclaveCore
public import Foundation
public import Logging

/// Takes files into collections: ``submit(collectionID:fileName:data:)`` checks a file cheaply, detects
/// duplicates by SHA-256 and stores it queued with its bytes; a worker (``run()`` in the server,
/// ``drain(progress:)`` in the CLI) parses, chunks and embeds each queued document in order and commits it,
/// replacing the previous version of the same name in one transaction.
///
/// A document is searchable only once committed. A crash or a shutdown leaves it `queued` or `indexing`
/// with its bytes kept; ``resumeUnfinished()`` (which ``run()`` calls first) takes those up again.
///
/// ```swift
/// let ingestor = KnowledgeIngestor(store: store, embedders: [embedder], logger: logger)
/// let receipt = try await ingestor.submit(collectionID: collection.id, fileName: "guide.md", data: bytes)
/// let finished = try await ingestor.drain { progress in print(progress.documentsDone, "of", progress.documentsTotal) }
/// ```
public actor KnowledgeIngestor {
    /// Where documents, chunks and vectors are kept.
    public nonisolated let store: any KnowledgeStore
    let embedders: [String: any EmbeddingBackend]
    /// How files are validated, cut and embedded.
    public nonisolated let settings: IngestionSettings
    /// What checks each document's text before it is chunked; `nil`: nothing.
    nonisolated let screen: (any DocumentScreen)?
    let logger: Logger
    /// Documents waiting to be indexed, in submission order.
    var pending: [String] = []
    let wakeups: AsyncStream<Void>
    let wake: AsyncStream<Void>.Continuation

    /// Creates an ingestor.
    /// - Parameters:
    ///   - store: Where documents go.
    ///   - embedders: The embedding models, chosen by each collection's ``KnowledgeCollection/embeddingModel``.
    ///   - settings: Size limit and chunk sizes.
    ///   - screen: What checks each document's text before it is chunked (the guardrails); `nil`: none.
    ///   - logger: Where it reports resumed and failed documents (ids and names, never their text).
    public init(
        store: any KnowledgeStore,
        embedders: [any EmbeddingBackend],
        settings: IngestionSettings = IngestionSettings(),
        screen: (any DocumentScreen)? = nil,
        logger: Logger
    ) {
        self.store = store
        self.screen = screen
        self.embedders = Dictionary(embedders.map { ($0.descriptor.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.settings = settings
        self.logger = logger
        let stream = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wakeups = stream.stream
        self.wake = stream.continuation
    }

    /// The embedding models' ids, for checking a new collection's model.
    public nonisolated var embeddingModels: [String] { embedders.keys.sorted() }

    /// Checks a file and queues it for indexing, unless the collection already has it.
    ///
    /// `fileName` is the document's name in the collection (the CLI passes paths relative to the folder
    /// it walks, so `setup/linux.md` and `setup/mac.md` are two documents).
    ///
    /// A file whose extension is not a format ingestion reads, that is empty or over the size limit is
    /// refused without being stored. The same bytes under the same name (ready or on its way) are
    /// `unchanged`; the same bytes under another name are a `duplicate` of that document. Otherwise the
    /// document is stored `queued` with its bytes, and an earlier failed version of the same name is dropped.
    /// - Throws: ``IngestionError`` for a missing collection or an embedding model not loaded;
    ///   ``KnowledgeStoreError`` when the store fails.
    public func submit(collectionID: String, fileName: String, data: Data) async throws -> IngestionReceipt {
        guard let collection = try await store.collection(id: collectionID) else { throw IngestionError.collectionNotFound(collectionID) }
        guard embedders[collection.embeddingModel] != nil else { throw IngestionError.embeddingModelUnavailable(collection.embeddingModel) }
        let name = fileName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { return IngestionReceipt(fileName: fileName, status: .failed, reason: "the file has no name") }
        guard Self.isRelativePath(name) else {
            return IngestionReceipt(
                fileName: name,
                status: .failed,
                reason: "the name must be a relative path (no leading '/', no '.' or '..' part, no control character)"
            )
        }
        guard let format = DocumentParser.format(ofFileNamed: name) else {
            let refusal = DocumentParseError.unsupportedExtension((name as NSString).pathExtension.lowercased())
            return IngestionReceipt(fileName: name, status: .failed, reason: refusal.description)
        }
        guard !data.isEmpty else { return IngestionReceipt(fileName: name, status: .failed, reason: DocumentParseError.empty.description) }
        guard data.count <= settings.maxDocumentBytes else {
            let refusal = DocumentParseError.tooLarge(bytes: data.count, limit: settings.maxDocumentBytes)
            return IngestionReceipt(fileName: name, status: .failed, reason: refusal.description)
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let existing = try await store.documents(inCollection: collectionID)
        let live = existing.filter { $0.status != .failed && $0.sha256 == digest }
        if let same = live.first(where: { $0.name == name }) {
            return IngestionReceipt(fileName: name, status: .unchanged, documentID: same.id)
        }
        if let other = live.first {
            return IngestionReceipt(
                fileName: name,
                status: .duplicate,
                documentID: other.id,
                duplicateOf: other.name,
                reason: "the same bytes are already in the collection as '\(other.name)'"
            )
        }
        for failed in existing where failed.name == name && failed.status == .failed {
            try await store.deleteDocument(id: failed.id)
        }
        let now = Date()
        let document = KnowledgeDocument(
            id: RandomIdentifier.make(prefix: "doc_"),
            collectionID: collectionID,
            name: name,
            sha256: digest,
            byteCount: data.count,
            format: format.rawValue,
            status: .queued,
            createdAt: now,
            updatedAt: now
        )
        try await store.addDocument(document, content: data)
        pending.append(document.id)
        wake.yield()
        return IngestionReceipt(fileName: name, status: .queued, documentID: document.id)
    }

    /// Queues the documents a crash or shutdown left `queued` or `indexing` (in `collectionID` only, if
    /// given), logging each by id and name, and returns them.
    @discardableResult
    public func resumeUnfinished(inCollection collectionID: String? = nil) async throws -> [KnowledgeDocument] {
        let unfinished = try await store.documents(withStatus: [.queued, .indexing])
            .filter { collectionID == nil || $0.collectionID == collectionID }
            .filter { !pending.contains($0.id) }
        for document in unfinished {
            logger.notice(
                "resuming an unfinished document",
                metadata: [
                    "document.id": .string(document.id), "document.name": .string(document.name),
                    "document.status": .string(document.status.rawValue),
                ]
            )
            pending.append(document.id)
        }
        if !unfinished.isEmpty { wake.yield() }
        return unfinished
    }

    /// Documents waiting to be indexed.
    public var queuedCount: Int { pending.count }
}

extension KnowledgeIngestor {
    /// Whether a document name is a plain relative path, as `enclave ingest` makes them (`setup/linux.md`):
    /// no leading `/`, no empty, `.` or `..` part, no control character, at most 1,024 bytes. Names are
    /// never used as paths, but one that looks like a path outside its folder only misleads.
    static func isRelativePath(_ name: String) -> Bool {
        guard name.utf8.count <= 1024, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return false
        }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
