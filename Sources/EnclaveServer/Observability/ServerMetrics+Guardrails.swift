// Enclave server: the guardrails' metrics.

public import EnclaveGuard
import Metrics

extension ServerMetrics {
    /// The `assistant` label of a request to a model, not an assistant.
    public static let noAssistant = "none"

    /// Counts a guardrail action: `enclave_guardrail_actions_total{detector, kind, assistant, action, direction}`.
    /// Labels stay bounded: the detectors' entity and kind names are fixed, assistants are configured ids;
    /// never the matched text.
    public func recordGuardrail(_ event: GuardEvent, assistant: String?) {
        Counter(
            label: "enclave_guardrail_actions_total",
            dimensions: [
                ("detector", event.entity.rawValue),
                ("kind", event.kind ?? ""),
                ("assistant", assistant ?? Self.noAssistant),
                ("action", event.action.rawValue),
                ("direction", event.direction.rawValue),
            ],
            factory: factory
        ).increment(by: event.count)
    }
}
