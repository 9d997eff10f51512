// Enclave server: per-request facts gathered for the request's log line and metrics.

public import EnclaveGuard
import Synchronization

/// What a handler learns about its request (model, token counts, outcome) for the one log line written
/// when the response ends. Shared between the handler and the middleware; never holds prompt or
/// completion text.
public final class RequestStats: Sendable {
    /// A snapshot of the statistics.
    public struct Values: Sendable, Hashable {
        /// The authenticated principal's id (`key:<id>`), never a secret.
        public var principal: String?
        /// The model asked for.
        public var model: String?
        /// The model that served the request, once the request named one the principal may use: the
        /// metrics' `model` label, bounded by the models served (``model`` is whatever the client sent).
        public var servedModel: String?
        /// The principal's team for the metrics' `team` label (a team name, never a user or key id).
        public var team: String?
        /// Prompt tokens, summed over the request's prompts.
        public var promptTokens: Int = 0
        /// Completion tokens.
        public var completionTokens: Int = 0
        /// Whether the response was streamed.
        public var streamed = false
        /// How the generation ended (`stop`, `length`, `cancelled`, `error`), if one ran.
        public var outcome: String?
        /// The error code of a failed request.
        public var errorCode: String?
        /// The request parameter a refused request was refused for (`param`), never its value.
        public var errorParameter: String?
        /// What the guardrails did, counted by entity, kind, action and side (never the text).
        public var guardrails: [GuardEvent] = []
    }

    private let values = Mutex(Values())

    /// Creates empty statistics.
    public init() {}

    /// The current values.
    public var snapshot: Values { values.withLock { $0 } }

    /// Changes the values.
    public func update(_ change: (inout Values) -> Void) {
        values.withLock { change(&$0) }
    }
}
