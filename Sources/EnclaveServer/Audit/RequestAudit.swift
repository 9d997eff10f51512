// Enclave server: the audit record of one inference request, written once, before the response ends.

import Dispatch
import EnclaveCore
import EnclaveGuard
import EnclaveOpenAI
import Foundation
import Logging
import Synchronization

/// The audit record of one `/v1` inference request, under construction while the request runs and
/// appended once (``commit(status:)``): for a JSON answer before the response is returned, for an event
/// stream before `data: [DONE]` is written, for a refusal before the error is rendered. If the append
/// fails the request is refused with `audit_unavailable` (``OpenAIError/auditUnavailable``) instead of
/// being served unaudited.
///
/// ``RequestAuditMiddleware`` makes it and binds it to ``current`` for the handler;
/// ``AuditActorMiddleware`` adds the caller once authenticated. It holds counts and names only (from
/// ``RequestStats``), never prompt or completion text.
final class RequestAudit: Sendable {
    private struct State {
        var actor: AuditActor
        var committed = false
    }

    let log: any AuditLog
    let wallClock: any WallClock
    let stats: RequestStats
    let route: String
    let requestID: String
    let logger: Logger
    /// When the request arrived (uptime nanoseconds), for the latency.
    let start: UInt64
    private let state: Mutex<State>

    /// The audit of the request being handled, if it is an audited one.
    @TaskLocal static var current: RequestAudit?

    init(
        log: any AuditLog,
        wallClock: any WallClock,
        stats: RequestStats,
        route: String,
        requestID: String,
        clientAddress: String?,
        logger: Logger
    ) {
        self.logger = logger
        self.log = log
        self.wallClock = wallClock
        self.stats = stats
        self.route = route
        self.requestID = requestID
        self.start = DispatchTime.now().uptimeNanoseconds
        self.state = Mutex(State(actor: AuditActor(clientAddress: clientAddress)))
    }

    /// Sets who is asking (the client address stays the connection's).
    func identify(_ actor: AuditActor) {
        state.withLock { state in
            let address = state.actor.clientAddress
            state.actor = actor
            state.actor.clientAddress = address
        }
    }

    /// Whether the record has been written (or its writing was attempted).
    var isCommitted: Bool { state.withLock { $0.committed } }

    /// Appends the request's record, once; later calls do nothing. The append runs in its own task so that
    /// a cancelled request (its client left) is still recorded.
    /// - Parameters:
    ///   - status: The HTTP status answered.
    ///   - reason: Why the request was refused or failed (an error code); `nil` takes the statistics' error
    ///     code or, for a generation that did not finish, its outcome.
    /// - Throws: ``OpenAIError/auditUnavailable`` if the record cannot be written.
    func commit(status: Int, reason: String? = nil) async throws {
        let actor: AuditActor? = state.withLock { state in
            guard !state.committed else { return nil }
            state.committed = true
            return state.actor
        }
        guard let actor else { return }
        let values = stats.snapshot
        let unfinished = values.outcome.flatMap { ["cancelled", "error"].contains($0) ? $0 : nil }
        let why = reason ?? values.errorCode ?? unfinished
        var outcome = AuditOutcome(status: status)
        if outcome == .success && why != nil { outcome = .failed }
        let entry = AuditEntry(
            time: wallClock.now(),
            action: .request,
            actor: actor,
            target: route,
            outcome: outcome,
            status: status,
            model: values.model,
            promptTokens: values.promptTokens,
            completionTokens: values.completionTokens,
            latencyMilliseconds: Int((DispatchTime.now().uptimeNanoseconds &- start) / 1_000_000),
            reason: why,
            requestID: requestID,
            after: Self.guardrails(values.guardrails)
        )
        let log = self.log
        let append = Task { try await log.append(entry) }
        do {
            _ = try await append.value
        } catch {
            logger.error(
                "audit record not written; the request is refused",
                metadata: ["request.id": .string(requestID), "error": "\(error)"]
            )
            throw OpenAIError.auditUnavailable
        }
    }

    /// A request's guardrail actions for its record (`after.guardrails`): entity, kind, action, side and
    /// count of each; `nil` when none acted. Never the matched text.
    static func guardrails(_ events: [GuardEvent]) -> AuditJSON? {
        guard !events.isEmpty else { return nil }
        let entries = events.map { event -> AuditJSON in
            .object([
                "detector": .string(event.entity.rawValue),
                "kind": .nullable(event.kind),
                "action": .string(event.action.rawValue),
                "direction": .string(event.direction.rawValue),
                "count": .integer(Int64(event.count)),
            ])
        }
        return .object(["guardrails": .array(entries)])
    }
}
