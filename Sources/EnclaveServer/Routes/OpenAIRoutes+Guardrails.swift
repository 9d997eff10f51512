// Enclave server: the guardrails of the completion routes.

import EnclaveCore
import EnclaveGateway
import EnclaveGuard
import EnclaveOpenAI

extension OpenAIRoutes {
    /// The policy a request is under; `nil` when the server runs without guardrails.
    /// - Throws: an internal error naming the policy when the assistant names one the server does not have
    ///   (a configuration fault: the request is refused, not served unguarded).
    func guardrailPolicy(for assistant: Assistant?) throws -> GuardPolicy? {
        guard let guardrails else { return nil }
        do {
            return try guardrails.policy(for: assistant)
        } catch {
            throw OpenAIError(
                status: 500,
                message: "The assistant's guardrail policy is not configured on this server: \(error.message)",
                type: "server_error",
                param: nil,
                code: "guardrail_policy_unavailable"
            )
        }
    }

    /// Counts guardrail actions for the request's audit record and the metrics (entity, kind, action and
    /// side; never the text).
    func record(_ events: [GuardEvent], assistant: Assistant?, stats: RequestStats) {
        guard !events.isEmpty else { return }
        stats.update { $0.guardrails += events }
        for event in events {
            metrics.recordGuardrail(event, assistant: assistant?.id)
        }
    }
}
