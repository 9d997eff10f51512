// Enclave server: knowledge errors in OpenAI's shape.

import EnclaveCore
import EnclaveKnowledge
import EnclaveOpenAI

extension OpenAIError {
    /// 404 for a collection or document that is absent or that the caller may not access.
    static func notFound(kind: String, _ idOrName: String) -> OpenAIError {
        OpenAIError(status: 404, message: "No \(kind) '\(idOrName)' exists.", type: "invalid_request_error", param: kind, code: "not_found")
    }

    /// A knowledge store's error: 404, 409 for a name in use, 503 when the store fails.
    static func from(_ error: KnowledgeStoreError) -> OpenAIError {
        switch error.code {
        case .notFound: OpenAIError(status: 404, message: error.message, type: "invalid_request_error", param: nil, code: "not_found")
        case .duplicate: OpenAIError(status: 409, message: error.message, type: "invalid_request_error", param: "name", code: "name_taken")
        default: OpenAIError(status: 503, message: "The knowledge store is unavailable.", type: "server_error", param: nil, code: "unavailable")
        }
    }

    /// An ingestion error: 404 for a collection gone, 503 for an embedding model not loaded.
    static func from(_ error: IngestionError) -> OpenAIError {
        if error.isCollectionNotFound {
            return OpenAIError(status: 404, message: error.description, type: "invalid_request_error", param: "collection", code: "not_found")
        }
        return OpenAIError(status: 503, message: error.description, type: "server_error", param: nil, code: "model_not_loaded")
    }
}
