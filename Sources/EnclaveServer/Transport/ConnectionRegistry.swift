// Enclave server: how many connections are open, in total and per client address, and who may connect.

public import Metrics
import Synchronization

/// Admits or refuses each new connection against the caps, and counts open connections, refusals and
/// timeouts in the metrics (`enclave_http_connections_open`, `enclave_http_connections_accepted_total`,
/// `enclave_http_connections_refused_total{reason}`, `enclave_http_timeouts_total{phase}`).
///
/// A refused connection is answered with a 503 while few refusals are in flight
/// (``Limits/refusalsAnswered``); beyond that it is closed at once, so refusing never needs more than a
/// bounded number of descriptors.
public final class ConnectionRegistry: Sendable {
    /// The caps.
    public struct Limits: Sendable, Hashable {
        /// Connections open at once, in total.
        public var total: Int
        /// Connections open at once from one client address.
        public var perClient: Int
        /// Refused connections being answered (with a 503) at once; more are closed without an answer.
        public var refusalsAnswered: Int

        /// Creates caps.
        public init(total: Int, perClient: Int, refusalsAnswered: Int) {
            self.total = total
            self.perClient = perClient
            self.refusalsAnswered = refusalsAnswered
        }
    }

    /// What to do with a new connection.
    public enum Admission: Equatable, Sendable {
        /// Serve it; call ``release(client:)`` when it closes.
        case accepted
        /// Refuse it with a 503 (then call ``refusalAnswered()``), or without an answer.
        case refused(reason: String, answer: Bool)
    }

    private struct State {
        var open = 0
        var perClient: [String: Int] = [:]
        var answering = 0
    }

    /// The caps.
    public let limits: Limits
    private let state = Mutex(State())
    private let openGauge: Gauge
    private let accepted: Counter
    private let factory: any MetricsFactory

    /// Creates a registry that reports to `metricsFactory`.
    public init(limits: Limits, metricsFactory: any MetricsFactory) {
        self.limits = limits
        self.factory = metricsFactory
        self.openGauge = Gauge(label: "enclave_http_connections_open", factory: metricsFactory)
        self.accepted = Counter(label: "enclave_http_connections_accepted_total", factory: metricsFactory)
        openGauge.record(0)
    }

    /// Decides on a new connection from `client` (its IP address).
    public func admit(client: String) -> Admission {
        let (admission, open): (Admission, Int) = state.withLock { state in
            let reason: String
            if state.open >= limits.total {
                reason = "server_full"
            } else if state.perClient[client, default: 0] >= limits.perClient {
                reason = "client_full"
            } else {
                state.open += 1
                state.perClient[client, default: 0] += 1
                return (.accepted, state.open)
            }
            let answer = state.answering < limits.refusalsAnswered
            if answer { state.answering += 1 }
            return (.refused(reason: reason, answer: answer), state.open)
        }
        switch admission {
        case .accepted:
            accepted.increment()
            openGauge.record(open)
        case .refused(let reason, _):
            Counter(label: "enclave_http_connections_refused_total", dimensions: [("reason", reason)], factory: factory).increment()
        }
        return admission
    }

    /// An accepted connection from `client` has closed.
    public func release(client: String) {
        let open = state.withLock { state in
            state.open -= 1
            let remaining = state.perClient[client, default: 1] - 1
            state.perClient[client] = remaining > 0 ? remaining : nil
            return state.open
        }
        openGauge.record(open)
    }

    /// A refused connection that was being answered has closed.
    public func refusalAnswered() {
        state.withLock { $0.answering -= 1 }
    }

    /// Counts a timeout (`head`, `body` or `idle`).
    public func recordTimeout(_ phase: String) {
        Counter(label: "enclave_http_timeouts_total", dimensions: [("phase", phase)], factory: factory).increment()
    }

    /// Open connections now.
    public var openConnections: Int { state.withLock { $0.open } }
}
