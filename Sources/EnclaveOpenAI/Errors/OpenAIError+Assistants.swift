// Enclave OpenAI dialect: errors of assistants, in OpenAI's shape.

public import EnclaveCore

extension OpenAIError {
    /// A refused or failed change to assistants: 400 naming the field, 409 for a taken id, 404, or 503.
    public static func from(_ error: AssistantStoreError) -> OpenAIError {
        switch error.code {
        case .invalid:
            .invalidRequest("Invalid '\(error.field ?? "")': \(error.message).", param: error.field, code: "invalid_value")
        case .duplicate:
            OpenAIError(
                status: 409,
                message: "An assistant or a model already has this id.",
                type: "invalid_request_error",
                param: "id",
                code: "duplicate"
            )
        case .notFound:
            OpenAIError(status: 404, message: "No assistant has this id.", type: "invalid_request_error", code: "not_found")
        default:
            OpenAIError(status: 503, message: "The assistant store is unavailable; retry shortly.", type: "server_error", code: "store_unavailable")
        }
    }
}
