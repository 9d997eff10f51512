// Enclave server: admission of /v1 generations by the rate limits and budgets.

import EnclaveCore
import EnclaveGateway
import Hummingbird

extension OpenAIRoutes {
    /// Admits prepared prompts by the limits of the principal's key, user and team (the first of their
    /// enabled teams), reserving every prompt plus its `max_tokens`.
    /// - Returns: The hold to settle when the generation ends; `nil` when the server has no limit gate.
    /// - Throws: ``LimitError`` (a 429 with `Retry-After` and the `x-ratelimit-*` headers).
    func admit(_ prepared: [PreparedInference], principal: Principal, model: String) async throws -> LimitSettlement? {
        guard let limitGate else { return nil }
        let account = UsageAccount(userID: principal.id, teamID: principal.primaryTeam?.id, keyID: principal.keyID, model: model)
        let admission = try await limitGate.admit(
            limits.subjects(for: account),
            account: account,
            promptTokens: prepared.reduce(0) { $0 + ($1.promptTokenCount ?? 0) },
            maxTokens: prepared.reduce(0) { $0 + $1.maxTokens }
        )
        return LimitSettlement(gate: limitGate, admission: admission)
    }

    /// The response with the `x-ratelimit-*` headers of the admission.
    func withLimitHeaders(_ response: Response, _ settlement: LimitSettlement?) -> Response {
        guard let settlement else { return response }
        var response = response
        response.headers.append(contentsOf: settlement.headerFields)
        return response
    }
}

extension OpenAIRoutes {
    /// Runs a generation, then settles its admission (if any) with what the request's statistics counted,
    /// whether the generation finished, failed or was cancelled.
    func settling<Value: Sendable>(
        _ settlement: LimitSettlement?,
        context: EnclaveRequestContext,
        _ operation: () async throws -> Value
    ) async throws -> Value {
        guard let settlement else { return try await operation() }
        return try await settlement.settling(stats: context.stats, logger: context.logger, operation)
    }
}
