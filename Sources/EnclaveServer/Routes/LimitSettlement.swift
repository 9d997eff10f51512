// Enclave server: one admitted request's hold on its rate limits and budgets, until it ends.

import EnclaveCore
import EnclaveGateway
import HTTPTypes
import Logging
import Synchronization

/// What a generation handler holds after ``LimitGate`` admitted its request: it settles the admission
/// once, with the tokens the request's ``RequestStats`` counted (a cancelled or failed generation counts
/// what it used), or releases it if no generation ran. An admission dropped without either (a response
/// body that was never written) is released.
final class LimitSettlement: Sendable {
    private let gate: LimitGate
    /// The admission: its status gives the answer's `x-ratelimit-*` headers.
    let admission: LimitGate.Admission
    private let done = Mutex(false)

    init(gate: LimitGate, admission: LimitGate.Admission) {
        self.gate = gate
        self.admission = admission
    }

    /// The `x-ratelimit-*` headers of the tightest limits after the admission.
    var headerFields: HTTPFields {
        var fields = HTTPFields()
        for (name, value) in admission.status.headerFields {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return fields
    }

    /// Charges what the request used, once. Runs in its own task, so that a cancelled request (its client
    /// left) is still recorded; a store failure is logged.
    func settle(stats: RequestStats, logger: Logger) async {
        guard claim() else { return }
        let values = stats.snapshot
        let (gate, admission) = (gate, admission)
        let recording = Task {
            do {
                try await gate.settle(admission, promptTokens: values.promptTokens, completionTokens: values.completionTokens)
            } catch {
                logger.error("usage not recorded", metadata: ["error": "\(error)", "usage.user": "\(admission.account.userID)"])
            }
        }
        await recording.value
    }

    /// Gives everything back (no generation ran: the queue was full), once.
    func release() async {
        guard claim() else { return }
        await gate.release(admission)
    }

    /// Runs `operation`, then settles whether it returned or threw.
    func settling<Value: Sendable>(stats: RequestStats, logger: Logger, _ operation: () async throws -> Value) async throws -> Value {
        do {
            let value = try await operation()
            await settle(stats: stats, logger: logger)
            return value
        } catch {
            await settle(stats: stats, logger: logger)
            throw error
        }
    }

    private func claim() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }

    deinit {
        guard claim() else { return }
        let (gate, admission) = (gate, admission)
        Task { await gate.release(admission) }
    }
}
