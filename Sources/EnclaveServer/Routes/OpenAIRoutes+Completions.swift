// Enclave server: POST /v1/completions.

import EnclaveCore
import EnclaveGateway
import EnclaveGuard
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
        var inferences = try body.inferenceRequests(id: context.requestID, principal: principal.id, limits: limits)
        // Input guardrails on the prompts, under the default policy (a completion names no assistant).
        let policy = try guardrailPolicy(for: nil)
        var vault: PseudonymVault?
        if let guardrails, let policy {
            let texts = inferences.map { inference -> String in
                if case .text(let text) = inference.prompt { return text }
                return ""
            }
            let guarded: GuardedPrompts
            do {
                guarded = try guardrails.filter(prompts: texts, policy: policy)
            } catch {
                throw OpenAIError.from(error, promptParameter: "prompt")
            }
            record(guarded.events, assistant: nil, stats: context.stats)
            for index in inferences.indices {
                inferences[index].prompt = .text(guarded.prompts[index])
                inferences[index].parameters.maxTokens = policy.cappedMaxTokens(inferences[index].parameters.maxTokens)
            }
            vault = guarded.vault
        }
        let outputGuard = policy.flatMap { policy in
            guardrails?.answerFilter(policy: policy, vault: vault ?? PseudonymVault(mode: policy.redaction), canary: nil)
        }
        let guardrailRecorder: @Sendable ([GuardEvent]) -> Void = { events in self.record(events, assistant: nil, stats: context.stats) }
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
                        var filter = AnswerFilter(outputGuard)
                        var outcome = try await runner.run(try submission(index)) { delta, tokens in
                            let released = filter.feed(delta, tokens)
                            if wantsLogprobs { logprobs.append(released.logprobs, at: text.count) }
                            text += released.text
                            if let violation = released.violation { throw violation }
                        }
                        if outcome.finishReason != .contentFilter {
                            let released = filter.finish()
                            if wantsLogprobs { logprobs.append(released.logprobs, at: text.count) }
                            text += released.text
                            if released.violation != nil { outcome.finishReason = .contentFilter }
                        }
                        guardrailRecorder(filter.events)
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
                    var filter = AnswerFilter(outputGuard)
                    func emit(_ released: AnswerFilter.Release) async throws {
                        guard !released.text.isEmpty || !released.logprobs.isEmpty else { return }
                        var logprobs: CompletionLogprobs?
                        if wantsLogprobs {
                            logprobs = CompletionLogprobs()
                            logprobs?.append(released.logprobs, at: offset)
                        }
                        offset += released.text.count
                        try await send(chunk(CompletionChoice(text: released.text, index: index, logprobs: logprobs, finishReason: nil)))
                    }
                    var outcome = try await runner.run(try submission(index)) { text, tokens in
                        let released = filter.feed(text, tokens)
                        try await emit(released)
                        if let violation = released.violation { throw violation }
                    }
                    if outcome.finishReason != .contentFilter {
                        let released = filter.finish()
                        try await emit(released)
                        if released.violation != nil { outcome.finishReason = .contentFilter }
                    }
                    guardrailRecorder(filter.events)
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
