// Enclave server: the ingestion worker as a service of the server.

public import EnclaveKnowledge
public import ServiceLifecycle

/// Runs a ``KnowledgeIngestor``'s worker with the server: it resumes unfinished documents at start and
/// stops at graceful shutdown, leaving a document it was indexing to be resumed at the next start.
public struct IngestionService: Service {
    let ingestor: KnowledgeIngestor

    /// Creates the service.
    public init(ingestor: KnowledgeIngestor) {
        self.ingestor = ingestor
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            await ingestor.run()
        }
    }
}
