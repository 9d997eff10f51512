// Enclave knowledge: ingestion settings from the configuration's `knowledge:` section.

public import EnclaveCore

extension IngestionSettings {
    /// The settings of a configuration's `knowledge:` section (`max_document_bytes`, `chunk_tokens`,
    /// `chunk_overlap_tokens`), with batches of 32.
    public init(_ knowledge: KnowledgeSettings) {
        self.init(
            maxDocumentBytes: knowledge.maxDocumentBytes,
            chunkTokens: knowledge.chunkTokens,
            chunkOverlapTokens: knowledge.chunkOverlapTokens
        )
    }
}
