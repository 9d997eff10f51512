// Enclave server: POST /v1/chat/completions.

import EnclaveCore
import EnclaveGateway
import EnclaveGuard
import EnclaveOpenAI
import Foundation
import Hummingbird

extension OpenAIRoutes {
    func chatCompletions(request: Request, context: EnclaveRequestContext) async throws -> Response {
        let start = Self.now()
        var request = request
        let principal = try principal(of: context)
        let schedulingClass = try schedulingClass(of: request)
        var body = try await RequestBody(maxBodyBytes: limits.maxBodyBytes).decode(ChatCompletionRequest.self, from: &request)
        context.stats.update {
            $0.model = body.model
            $0.streamed = body.stream == true
        }
        // An assistant answers through its base model; the response names the assistant, as asked.
        let model = body.model
        let assistant = try await assistants?.assistant(named: model, for: principal)
        if let assistant { body.applyDefaults(of: assistant) }
        var inference = try body.inferenceRequest(id: context.requestID, principal: principal.id, limits: limits)
        // Input guardrails, before retrieval and the chat template: the model never sees what they redact.
        let policy = try guardrailPolicy(for: assistant)
        var vault: PseudonymVault?
        if let guardrails, let policy, case .chat(let conversation) = inference.prompt {
            let guarded = try guardrails.filter(conversation, policy: policy)
            record(guarded.events, assistant: assistant, stats: context.stats)
            inference.prompt = .chat(guarded.turns)
            inference.parameters.maxTokens = policy.cappedMaxTokens(inference.parameters.maxTokens)
            vault = guarded.vault
        }
        let turn: AssistantTurn?
        var canary: GuardCanary?
        if let assistant {
            let prepared = try await assistantTurn(for: assistant, inference: inference, principal: principal)
            if let answer = prepared.nothingFoundAnswer {
                return try nothingFound(
                    answer,
                    turn: prepared,
                    model: model,
                    stream: body.stream == true,
                    includeUsage: body.streamOptions?.includeUsage == true,
                    request: request,
                    context: context
                )
            }
            var turns = prepared.turns
            if let guardrails, let policy { canary = guardrails.addCanary(to: &turns, policy: policy) }
            inference.prompt = .chat(turns)
            turn = prepared
        } else {
            turn = nil
        }
        let prepared = try await prepare(
            inference,
            for: assistant == nil ? principal : principal.usingAssistant(),
            promptParameter: "messages",
            stats: context.stats
        )
        let settlement = try await admit([prepared], principal: principal, model: model)
        let submission = try await submit(prepared, of: principal, as: schedulingClass, holding: settlement)
        let runner = GenerationRunner(metrics: metrics, stats: context.stats, requestStart: start)
        let id = "chatcmpl-\(context.requestID)"
        let created = Self.unixTime()
        let wantsLogprobs = inference.parameters.logprobs
        // The answer's output guardrails: redaction, restored pseudonyms, the canary.
        let outputGuard = policy.flatMap { policy in
            guardrails?.answerFilter(policy: policy, vault: vault ?? PseudonymVault(mode: policy.redaction), canary: canary)
        }
        let guardrailRecorder: @Sendable ([GuardEvent]) -> Void = { events in self.record(events, assistant: assistant, stats: context.stats) }

        guard body.stream == true else {
            let (text, logprobs, outcome) = try await settling(settlement, context: context) {
                try await untilClientLeaves(request, context: context) {
                    var text = ""
                    var logprobs: [TokenLogprob] = []
                    var filter = AnswerFilter(outputGuard)
                    var outcome = try await runner.run(submission) { delta, tokens in
                        let released = filter.feed(delta, tokens)
                        text += released.text
                        logprobs += released.logprobs
                        if let violation = released.violation { throw violation }
                    }
                    if outcome.finishReason != .contentFilter {
                        let released = filter.finish()
                        text += released.text
                        logprobs += released.logprobs
                        if released.violation != nil { outcome.finishReason = .contentFilter }
                    }
                    guardrailRecorder(filter.events)
                    return (text, logprobs, outcome)
                }
            }
            let response = ChatCompletionResponse(
                id: id,
                created: created,
                model: model,
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
            if let turn {
                let cited = KnowledgeExtension(response, citations: turn.citations(in: text), retrieval: turn.retrieval)
                return withLimitHeaders(try jsonResponse(cited), settlement)
            }
            return withLimitHeaders(try jsonResponse(response), settlement)
        }

        let includeUsage = body.streamOptions?.includeUsage == true
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
            let answer = AnswerText()
            var filter = AnswerFilter(outputGuard)
            let outcome = try await settling(settlement, context: context) {
                var outcome = try await runner.run(submission) { text, tokens in
                    let released = filter.feed(text, tokens)
                    if !released.text.isEmpty || !released.logprobs.isEmpty {
                        if turn != nil { answer.append(released.text) }
                        try await send(chunk(.init(content: released.text), logprobs: wantsLogprobs ? ChatLogprobs(released.logprobs) : nil))
                    }
                    if let violation = released.violation { throw violation }
                }
                if outcome.finishReason != .contentFilter {
                    let released = filter.finish()
                    if !released.text.isEmpty || !released.logprobs.isEmpty {
                        if turn != nil { answer.append(released.text) }
                        try await send(chunk(.init(content: released.text), logprobs: wantsLogprobs ? ChatLogprobs(released.logprobs) : nil))
                    }
                    if released.violation != nil { outcome.finishReason = .contentFilter }
                }
                return outcome
            }
            guardrailRecorder(filter.events)
            try await send(chunk(.init(), finishReason: outcome.finishReason.rawValue))
            if includeUsage {
                try await send(
                    ChatCompletionChunk(id: id, created: created, model: model, choices: [], usage: Usage(outcome.usage), includeUsage: true)
                )
            }
            if let turn {
                let final = ChatCompletionChunk(id: id, created: created, model: model, choices: [], usage: nil, includeUsage: false)
                try await send(KnowledgeExtension(final, citations: turn.citations(in: answer.text), retrieval: turn.retrieval))
            }
        }
        return withLimitHeaders(stream, settlement)
    }
}
