// Enclave server: chat completions answered by an assistant.

import EnclaveCore
import EnclaveGateway
import EnclaveOpenAI
import Foundation
import Hummingbird
import Synchronization

extension OpenAIRoutes {
    /// The assistant's turn for an inference: system prompt, retrieval and numbered sources, budgeted
    /// against the base model's context.
    func assistantTurn(for assistant: Assistant, inference: InferenceRequest, principal: Principal) async throws -> AssistantTurn {
        guard let assistants, case .chat(let conversation) = inference.prompt else {
            throw InferenceError.unknownModel(assistant.id)
        }
        let contextLength = await gateway.descriptor(of: assistant.model)?.contextLength
        return try await assistants.prepare(
            conversation,
            for: assistant,
            principal: principal,
            contextLength: contextLength,
            maxTokens: inference.parameters.maxTokens
        )
    }

    /// The answer when retrieval found nothing: the fixed message, `finish_reason` `stop`, no tokens, and
    /// `retrieval.status` `empty`; streamed like any answer. The model is not called.
    func nothingFound(
        _ answer: String,
        turn: AssistantTurn,
        model: String,
        stream: Bool,
        includeUsage: Bool,
        request: Request,
        context: EnclaveRequestContext
    ) throws -> Response {
        let id = "chatcmpl-\(context.requestID)"
        let created = Self.unixTime()
        context.stats.update { $0.outcome = "stop" }
        let usage = Usage(promptTokens: 0, completionTokens: 0)
        guard stream else {
            let response = ChatCompletionResponse(
                id: id,
                created: created,
                model: model,
                choices: [.init(index: 0, message: .init(content: answer), logprobs: nil, finishReason: "stop")],
                usage: usage
            )
            return try jsonResponse(KnowledgeExtension(response, citations: [], retrieval: turn.retrieval))
        }
        let retrieval = turn.retrieval
        return eventStream(request, context: context) { send in
            func chunk(_ delta: ChatChunkChoice.Delta, finishReason: String? = nil) -> ChatCompletionChunk {
                ChatCompletionChunk(
                    id: id,
                    created: created,
                    model: model,
                    choices: [.init(delta: delta, finishReason: finishReason)],
                    usage: nil,
                    includeUsage: includeUsage
                )
            }
            try await send(chunk(.init(role: "assistant", content: "")))
            try await send(chunk(.init(content: answer)))
            try await send(chunk(.init(), finishReason: "stop"))
            if includeUsage {
                try await send(ChatCompletionChunk(id: id, created: created, model: model, choices: [], usage: usage, includeUsage: true))
            }
            let final = ChatCompletionChunk(id: id, created: created, model: model, choices: [], usage: nil, includeUsage: false)
            try await send(KnowledgeExtension(final, citations: [], retrieval: retrieval))
        }
    }
}

/// The text of an answer as it streams, for its citations at the end.
final class AnswerText: Sendable {
    private let value = Mutex("")

    /// Adds a piece.
    func append(_ piece: String) {
        value.withLock { $0 += piece }
    }

    /// The text so far.
    var text: String { value.withLock { $0 } }
}

extension Principal {
    /// The principal as it reaches an assistant's base model: the key's `models` list was checked against
    /// the assistant's id (``Principal/mayUse(assistant:)``), so it does not also have to list the base model.
    func usingAssistant() -> Principal {
        var principal = self
        principal.allowedModels = nil
        return principal
    }
}
