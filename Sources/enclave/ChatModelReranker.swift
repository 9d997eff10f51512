// Enclave: the chat model as a pointwise reranker of retrieved passages.

import EnclaveBackends
import EnclaveCore
import EnclaveKnowledge

/// Reranks passages by a ``ChatModelRelevanceJudge``'s yes-minus-no logit, one forward pass a passage.
struct ChatModelReranker: PassageReranker {
    let judge: ChatModelRelevanceJudge

    func rerank(_ query: String, passages: [ChunkRecord]) async throws -> [Double] {
        try passages.map { try judge.score(question: query, passage: $0.chunk.text) }
    }
}
