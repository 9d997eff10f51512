// Enclave server: POST /v1/chat/completions.

import EnclaveCore
import EnclaveGateway
import EnclaveOpenAI
import Foundation
import Hummingbird

extension OpenAIRoutes {
    func chatCompletions(request: Request, context: EnclaveRequestContext) async throws -> Response {
        let start = Self.now()
        var request = request
        let principal = try principal(of: context)
        let schedulingClass = try schedulingClass(of: request)
        let body = try await RequestBody(maxBodyBytes: limits.maxBodyBytes).decode(ChatCompletionRequest.self, from: &request)
        context.stats.update {
            $0.model = body.model
            $0.streamed = body.stream == true
        }
        let inference = try body.inferenceRequest(id: context.requestID, principal: principal.id, limits: limits)
        let prepared = try await prepare(inference, for: principal, promptParameter: "messages", stats: context.stats)
        let settlement = try await admit([prepared], principal: principal, model: body.model)
        let submission = try await submit(prepared, of: principal, as: schedulingClass, holding: settlement)
        let runner = GenerationRunner(metrics: metrics, stats: context.stats, requestStart: start)
        let id = "chatcmpl-\(context.requestID)"
        let created = Self.unixTime()
        let wantsLogprobs = inference.parameters.logprobs

        guard body.stream == true else {
            let (text, logprobs, outcome) = try await settling(settlement, context: context) {
                try await untilClientLeaves(request, context: context) {
                    var text = ""
                    var logprobs: [TokenLogprob] = []
                    let outcome = try await runner.run(submission) { delta, tokens in
                        text += delta
                        logprobs += tokens
                    }
                    return (text, logprobs, outcome)
                }
            }
            let response = ChatCompletionResponse(
                id: id,
                created: created,
                model: body.model,
                choices: [
                    .init(
                        index: 0,
                        message: .init(content: text),
                        logprobs: wantsLogprobs ? ChatLogprobs(logprobs) : nil,
                        finishReason: outcome.finishReason.rawValue
                    )
                ],
                usage: Usage(outcome.usage)
            )
            return withLimitHeaders(try jsonResponse(response), settlement)
        }

        let includeUsage = body.streamOptions?.includeUsage == true
        let model = body.model
        @Sendable func chunk(_ delta: ChatChunkChoice.Delta, logprobs: ChatLogprobs? = nil, finishReason: String? = nil) -> ChatCompletionChunk {
            ChatCompletionChunk(
                id: id,
                created: created,
                model: model,
                choices: [.init(delta: delta, logprobs: logprobs, finishReason: finishReason)],
                usage: nil,
                includeUsage: includeUsage
            )
        }
        let stream = eventStream(request, context: context) { send in
            try await send(chunk(.init(role: "assistant", content: "")))
            let outcome = try await settling(settlement, context: context) {
                try await runner.run(submission) { text, tokens in
                    guard !text.isEmpty || !tokens.isEmpty else { return }
                    try await send(chunk(.init(content: text), logprobs: wantsLogprobs ? ChatLogprobs(tokens) : nil))
                }
            }
            try await send(chunk(.init(), finishReason: outcome.finishReason.rawValue))
            if includeUsage {
                try await send(
                    ChatCompletionChunk(id: id, created: created, model: model, choices: [], usage: Usage(outcome.usage), includeUsage: true)
                )
            }
        }
        return withLimitHeaders(stream, settlement)
    }
}
