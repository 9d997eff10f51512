// Enclave server: consuming a generation, with its metrics and statistics.

import Dispatch
import EnclaveCore
import EnclaveGateway
import EnclaveGuard

/// Runs one admitted generation for a handler: hands each delta to the handler and records time to first
/// token, inter-token latency, token counts and the outcome (`stop`, `length`, `content_filter`,
/// `cancelled`, `error`). A handler that throws a ``GuardViolation`` (its output filter blocked) ends the
/// generation with `content_filter`.
struct GenerationRunner {
    let metrics: ServerMetrics
    let stats: RequestStats
    /// When the HTTP request arrived (time to first token counts from here, queueing included).
    let requestStart: UInt64

    /// The result of a generation.
    struct Outcome {
        var finishReason: FinishReason
        var usage: InferenceUsage
    }

    /// Waits for a slot, then streams the generation into `onDelta`.
    /// - Throws: `CancellationError` when cancelled (client gone, shutdown), the backend's error, or `onDelta`'s.
    func run(
        _ submission: InferenceSubmission,
        onDelta: (_ text: String, _ logprobs: [TokenLogprob]) async throws -> Void
    ) async throws -> Outcome {
        let model = submission.prepared.request.model
        let team = stats.snapshot.team
        let promptTokens = submission.prepared.promptTokenCount ?? 0
        var firstToken: UInt64?
        var deltas = 0
        // A delta the handler could not pass on (the write to the client failed) means the client left,
        // whether or not the departure's cancellation has reached this task yet.
        var clientLeft = false
        do {
            let outcome = try await submission.run { events -> Outcome in
                for try await event in events {
                    switch event {
                    case .delta(let text, let logprobs):
                        deltas += 1
                        if firstToken == nil {
                            let now = DispatchTime.now().uptimeNanoseconds
                            firstToken = now
                            metrics.recordTimeToFirstToken(team: team, model: model, nanoseconds: Int64(now &- requestStart))
                        }
                        do {
                            try await onDelta(text, logprobs)
                        } catch is GuardViolation {
                            // An output guardrail ended the answer: the sequence stops (the stream is
                            // dropped) and the answer finishes with `content_filter`.
                            return Outcome(
                                finishReason: .contentFilter,
                                usage: InferenceUsage(promptTokens: promptTokens, completionTokens: deltas)
                            )
                        } catch {
                            clientLeft = true
                            throw error
                        }
                    case .finished(let reason, let usage):
                        return Outcome(finishReason: reason, usage: usage)
                    }
                }
                try Task.checkCancellation()
                throw InferenceError.internal("The model stopped without finishing the response.")
            }
            if let firstToken, outcome.usage.completionTokens > 1 {
                let elapsed = DispatchTime.now().uptimeNanoseconds &- firstToken
                metrics.recordInterTokenLatency(team: team, model: model, nanoseconds: Int64(elapsed) / Int64(outcome.usage.completionTokens - 1))
            }
            record(
                team: team,
                model: model,
                promptTokens: outcome.usage.promptTokens,
                completionTokens: outcome.usage.completionTokens,
                outcome: outcome.finishReason.rawValue
            )
            return outcome
        } catch {
            let cancelled = clientLeft || error is CancellationError || Task.isCancelled
            record(team: team, model: model, promptTokens: promptTokens, completionTokens: deltas, outcome: cancelled ? "cancelled" : "error")
            throw error
        }
    }

    private func record(team: String?, model: String, promptTokens: Int, completionTokens: Int, outcome: String) {
        metrics.recordGeneration(team: team, model: model, promptTokens: promptTokens, completionTokens: completionTokens, outcome: outcome)
        stats.update { values in
            values.promptTokens += promptTokens
            values.completionTokens += completionTokens
            values.outcome = outcome
        }
    }
}
