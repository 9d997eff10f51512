// Enclave knowledge: the ingestion worker: parse, chunk, embed, commit.

public import EnclaveCore
import Foundation
import Logging

extension KnowledgeIngestor {
    /// Resumes unfinished documents, then indexes queued documents one at a time as they arrive, until the
    /// task is cancelled (the server's shutdown). A document being indexed when it is cancelled stays
    /// `indexing` with its bytes, and is resumed at the next start.
    public func run() async {
        do {
            try await resumeUnfinished()
        } catch {
            logger.error("cannot list unfinished documents", metadata: ["error": "\(error)"])
        }
        var waiting = wakeups.makeAsyncIterator()
        while !Task.isCancelled {
            while !Task.isCancelled, let next = pending.first {
                pending.removeFirst()
                _ = await indexLogged(next)
            }
            // A submission while indexing left a wake-up buffered, so this returns at once then.
            guard await waiting.next(isolation: #isolation) != nil else { return }
        }
    }

    /// Indexes queued documents until none is left, reporting after each, and returns what became of them.
    /// - Parameter progress: Called after each document with the counts so far.
    public func drain(progress: @Sendable (IngestionProgress) -> Void = { _ in }) async -> [KnowledgeDocumentSummary] {
        var finished: [KnowledgeDocumentSummary] = []
        var chunks = 0
        while !Task.isCancelled, let next = pending.first {
            pending.removeFirst()
            guard let summary = await indexLogged(next) else { continue }
            finished.append(summary)
            chunks += summary.chunkCount
            progress(
                IngestionProgress(documentsDone: finished.count, documentsTotal: finished.count + pending.count, chunks: chunks, document: summary)
            )
        }
        return finished
    }

    /// Indexes one document, turning its failure into status `failed` with the reason; `nil` when it was
    /// not finished (cancelled, gone, or the store failed).
    private func indexLogged(_ id: String) async -> KnowledgeDocumentSummary? {
        do {
            guard let document = try await store.document(id: id), document.status == .queued || document.status == .indexing else {
                return nil
            }
            do {
                let ready = try await index(document)
                return KnowledgeDocumentSummary(id: id, name: document.name, isReady: true, chunkCount: ready.chunkCount, failure: nil)
            } catch let failure as DocumentFailure {
                try await store.setStatus(ofDocument: id, to: .failed, failure: failure.reason)
                logger.info("document failed", metadata: ["document.id": .string(id), "reason": .string(failure.reason)])
                return KnowledgeDocumentSummary(id: id, name: document.name, isReady: false, chunkCount: 0, failure: failure.reason)
            }
        } catch is CancellationError {
            return nil
        } catch {
            if Task.isCancelled { return nil }
            logger.error("indexing a document failed", metadata: ["document.id": .string(id), "error": "\(error)"])
            return nil
        }
    }

    /// Parses, chunks and embeds a document and commits it, replacing the ready document of the same name.
    /// - Throws: ``DocumentFailure`` for a document that cannot be indexed; store errors and cancellation as they are.
    private func index(_ document: KnowledgeDocument) async throws -> KnowledgeDocument {
        guard let collection = try await store.collection(id: document.collectionID) else {
            throw DocumentFailure(reason: "its collection was deleted")
        }
        guard let embedder = embedders[collection.embeddingModel] else {
            throw DocumentFailure(reason: "the collection's embedding model '\(collection.embeddingModel)' is not loaded")
        }
        guard let content = try await store.content(ofDocument: document.id) else {
            throw DocumentFailure(reason: "its bytes were not kept; submit the file again")
        }
        try await store.setStatus(ofDocument: document.id, to: .indexing, failure: nil)
        let prepared = try await Self.prepare(content, name: document.name, embedder: embedder, settings: settings, screen: screen)
        var vectors: [[Float]] = []
        vectors.reserveCapacity(prepared.sequences.count)
        for start in stride(from: 0, to: prepared.sequences.count, by: settings.embeddingBatchSize) {
            try Task.checkCancellation()
            let batch = Array(prepared.sequences[start..<min(start + settings.embeddingBatchSize, prepared.sequences.count)])
            do {
                vectors += try await embedder.embed(batch)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw DocumentFailure(reason: "the embedding model failed: \(error)")
            }
        }
        try Task.checkCancellation()
        let previous = try await store.documents(inCollection: document.collectionID)
            .first { $0.name == document.name && $0.status == .ready && $0.id != document.id }
        var ready = document
        ready.pageCount = prepared.pageCount
        ready.chunkCount = prepared.chunks.count
        ready.updatedAt = Date()
        try await store.commit(document: ready, chunks: prepared.chunks, vectors: vectors, replacing: previous?.id)
        return ready
    }

    /// A document's chunks and their token sequences, computed off the actor (parsing a PDF takes a while).
    private nonisolated static func prepare(
        _ content: Data,
        name: String,
        embedder: any EmbeddingBackend,
        settings: IngestionSettings,
        screen: (any DocumentScreen)?
    ) async throws -> PreparedDocument {
        var parsed: ParsedDocument
        do {
            parsed = try DocumentParser(maxBytes: settings.maxDocumentBytes).parse(content, fileName: name)
        } catch {
            throw DocumentFailure(reason: error.description)
        }
        if let screen {
            do {
                let texts = try screen.screen(parsed.blocks.map(\.text))
                for index in parsed.blocks.indices { parsed.blocks[index].text = texts[index] }
            } catch {
                throw DocumentFailure(reason: error.reason)
            }
        }
        let markers = embedder.tokenize("").count
        let maxInput = embedder.descriptor.maxInputTokens
        let chunker = Chunker(
            maxTokens: max(1, min(settings.chunkTokens, maxInput - markers)),
            overlapTokens: settings.chunkOverlapTokens,
            tokenCount: { text in max(0, embedder.tokenize(text).count - markers) }
        )
        let drafts = chunker.chunks(of: parsed).filter { !$0.text.isEmpty }
        guard !drafts.isEmpty else { throw DocumentFailure(reason: DocumentParseError.empty.description) }
        let chunks = drafts.enumerated().map { ordinal, draft in
            DocumentChunk(
                documentID: "",
                ordinal: ordinal,
                text: draft.text,
                page: draft.page,
                headingPath: draft.headingPath,
                tokenCount: draft.tokenCount
            )
        }
        let sequences = drafts.map { draft in
            let tokens = embedder.tokenize(draft.embeddingText)
            // The headings go in front of the passage; a sequence over the input limit keeps its start and closing marker.
            return tokens.count <= maxInput ? tokens : Array(tokens.prefix(maxInput - 1)) + [tokens[tokens.count - 1]]
        }
        return PreparedDocument(chunks: chunks, sequences: sequences, pageCount: parsed.pageCount)
    }
}

/// A document's chunks ready to embed.
struct PreparedDocument: Sendable {
    var chunks: [DocumentChunk]
    var sequences: [[Int]]
    var pageCount: Int
}

/// Why a document cannot be indexed (its status becomes `failed` with this reason).
struct DocumentFailure: Error {
    var reason: String
}
