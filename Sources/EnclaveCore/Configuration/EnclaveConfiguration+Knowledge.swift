// Enclave: reading the `knowledge:` section.

import Yams

extension EnclaveConfiguration {
    /// The keys of `knowledge:`.
    static let knowledgeKeys = ["encryption_key", "max_document_bytes", "chunk_tokens", "chunk_overlap_tokens"]

    static func readKnowledge(_ node: Node, into knowledge: inout KnowledgeSettings, reader: ConfigurationReader) throws {
        let entries = try reader.mapping(node, at: "knowledge", allowed: knowledgeKeys)
        if let value = entries["encryption_key"], !reader.isNull(value) {
            let text = try reader.string(value, at: "knowledge.encryption_key")
            // Empty (an unset `${ENCLAVE_KNOWLEDGE_KEY:-}`): the generated key file.
            if !text.isEmpty {
                guard KnowledgeKey(base64: text) != nil else {
                    throw reader.invalid(
                        value,
                        "knowledge.encryption_key",
                        "expected base64 of \(KnowledgeKey.byteCount) bytes (make one with: head -c 32 /dev/urandom | base64)"
                    )
                }
                knowledge.encryptionKey = text
            }
        }
        if let value = entries["max_document_bytes"] {
            knowledge.maxDocumentBytes = try reader.byteCount(
                value,
                at: "knowledge.max_document_bytes",
                in: KnowledgeSettings.maxDocumentBytesRange
            )
        }
        if let value = entries["chunk_tokens"] {
            knowledge.chunkTokens = try reader.int(value, at: "knowledge.chunk_tokens", in: KnowledgeSettings.chunkTokensRange)
        }
        if let value = entries["chunk_overlap_tokens"] {
            knowledge.chunkOverlapTokens = try reader.int(value, at: "knowledge.chunk_overlap_tokens", in: 0...(knowledge.chunkTokens - 1))
        } else if knowledge.chunkOverlapTokens >= knowledge.chunkTokens, let tokens = entries["chunk_tokens"] {
            throw reader.invalid(
                tokens,
                "knowledge.chunk_tokens",
                "must be more than knowledge.chunk_overlap_tokens (\(knowledge.chunkOverlapTokens))"
            )
        }
    }
}
