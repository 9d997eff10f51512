// Enclave server: POST /v1/completions.

import EnclaveCore
import EnclaveGateway
import EnclaveOpenAI
import Foundation
import Hummingbird

extension OpenAIRoutes {
    func completions(request: Request, context: EnclaveRequestContext) async throws -> Response {
        let start = Self.now()
        var request = request
        let principal = try principal(of: context)
        let schedulingClass = try schedulingClass(of: request)
        let body = try await RequestBody(maxBodyBytes: limits.maxBodyBytes).decode(CompletionRequest.self, from: &request)
        context.stats.update {
            $0.model = body.model
            $0.streamed = body.stream == true
        }
        let inferences = try body.inferenceRequests(id: context.requestID, principal: principal.id, limits: limits)
        // Every prompt is prepared before anything runs, so that a prompt over the context fails the whole request with a 400.
        var prepared: [PreparedInference] = []
        for inference in inferences {
            prepared.append(try await prepare(inference, for: principal, promptParameter: "prompt", stats: context.stats))
        }
        // The first prompt takes its place in the queue now (429 before the response starts); the others when their turn comes.
        let settlement = try await admit(prepared, principal: principal, model: body.model)
        let first = try await submit(prepared[0], of: principal, as: schedulingClass, holding: settlement)
        let runner = GenerationRunner(metrics: metrics, stats: context.stats, requestStart: start)
        let id = "cmpl-\(context.requestID)"
        let created = Self.unixTime()
        let wantsLogprobs = body.logprobs != nil
        let gateway = self.gateway

        let prompts = prepared
        let submission: @Sendable (Int) throws -> InferenceSubmission = { index in
            index == 0
                ? first
                : try gateway.submit(
                    prompts[index],
                    share: FairShare(principal: principal, prepared: prompts[index], schedulingClass: schedulingClass)
                )
        }

        guard body.stream == true else {
            let choices = try await settling(settlement, context: context) {
                try await untilClientLeaves(request, context: context) {
                    var choices: [(CompletionChoice, InferenceUsage)] = []
                    for index in prompts.indices {
                        var text = ""
                        var logprobs = CompletionLogprobs()
                        let outcome = try await runner.run(try submission(index)) { delta, tokens in
                            if wantsLogprobs { logprobs.append(tokens, at: text.count) }
                            text += delta
                        }
                        let choice = CompletionChoice(
                            text: text,
                            index: index,
                            logprobs: wantsLogprobs ? logprobs : nil,
                            finishReason: outcome.finishReason.rawValue
                        )
                        choices.append((choice, outcome.usage))
                    }
                    return choices
                }
            }
            let usage = Usage(
                promptTokens: choices.reduce(0) { $0 + $1.1.promptTokens },
                completionTokens: choices.reduce(0) { $0 + $1.1.completionTokens }
            )
            let response = try jsonResponse(
                CompletionResponse(id: id, created: created, model: body.model, choices: choices.map(\.0), usage: usage, includeUsage: true)
            )
            return withLimitHeaders(response, settlement)
        }

        let includeUsage = body.streamOptions?.includeUsage == true
        let model = body.model
        @Sendable func chunk(_ choice: CompletionChoice) -> CompletionResponse {
            CompletionResponse(id: id, created: created, model: model, choices: [choice], usage: nil, includeUsage: includeUsage)
        }
        let stream = eventStream(request, context: context) { send in
            var total = InferenceUsage(promptTokens: 0, completionTokens: 0)
            try await settling(settlement, context: context) {
                for index in prompts.indices {
                    var offset = 0
                    let outcome = try await runner.run(try submission(index)) { text, tokens in
                        guard !text.isEmpty || !tokens.isEmpty else { return }
                        var logprobs: CompletionLogprobs?
                        if wantsLogprobs {
                            logprobs = CompletionLogprobs()
                            logprobs?.append(tokens, at: offset)
                        }
                        offset += text.count
                        try await send(chunk(CompletionChoice(text: text, index: index, logprobs: logprobs, finishReason: nil)))
                    }
                    total.promptTokens += outcome.usage.promptTokens
                    total.completionTokens += outcome.usage.completionTokens
                    try await send(chunk(CompletionChoice(text: "", index: index, logprobs: nil, finishReason: outcome.finishReason.rawValue)))
                }
            }
            if includeUsage {
                try await send(CompletionResponse(id: id, created: created, model: model, choices: [], usage: Usage(total), includeUsage: true))
            }
        }
        return withLimitHeaders(stream, settlement)
    }
}
