// Enclave upstream: which replica takes a request, and each replica's circuit breaker (pure state).

/// The replicas of one upstream backend: outstanding requests and a circuit breaker per replica, and the
/// choice of replica for the next attempt. Pure state: time is passed in (`now`, the elapsed time since any
/// fixed origin), so it is tested synchronously; ``UpstreamBackend`` wraps it in a lock.
///
/// - Choice: the replica with the fewest outstanding requests among those whose breaker lets a request
///   through; ties go round robin.
/// - Breaker: closed; after ``failureThreshold`` consecutive failures (connect errors, 5xx, timeouts) it
///   opens for ``cooldown``; then one probe request may pass (half-open): its success closes the breaker,
///   its failure opens it again. An active health check that passes closes it; one that fails opens it.
///
/// ```swift
/// var pool = ReplicaPool(count: 2, failureThreshold: 3, cooldown: .seconds(5))
/// if let replica = pool.acquire(now: .zero) { ...; pool.release(replica, .success, now: .seconds(1)) }
/// ```
public struct ReplicaPool: Sendable, Hashable {
    /// A replica's circuit breaker.
    public enum Breaker: Sendable, Hashable {
        /// In rotation, with the consecutive failures so far.
        case closed(failures: Int)
        /// Out of rotation until the instant given.
        case open(until: Duration)
        /// One probe request is in flight; no other request is sent.
        case halfOpen
    }

    /// How an attempt on a replica ended, for its breaker.
    public enum Outcome: Sendable, Hashable {
        /// It answered (2xx, or a 4xx about the request itself).
        case success
        /// Connect error, 5xx, timeout or a broken stream.
        case failure
        /// Says nothing about the replica's health (cancelled by the client, 429).
        case neutral
    }

    /// One replica's state.
    public struct Replica: Sendable, Hashable {
        /// Requests sent and not yet finished.
        public var outstanding: Int = 0
        /// The breaker.
        public var breaker: Breaker = .closed(failures: 0)
    }

    /// The replicas, in declaration order.
    public private(set) var replicas: [Replica]
    /// Consecutive failures that open a breaker.
    public let failureThreshold: Int
    /// How long an open breaker stays open before a probe.
    public let cooldown: Duration
    private var cursor = 0

    /// Creates a pool of `count` closed replicas.
    public init(count: Int, failureThreshold: Int, cooldown: Duration) {
        self.replicas = Array(repeating: Replica(), count: max(1, count))
        self.failureThreshold = max(1, failureThreshold)
        self.cooldown = cooldown
    }

    /// Whether a request sent now would find a replica (closed, or open with its cooldown over).
    public func isAvailable(now: Duration) -> Bool {
        replicas.indices.contains { admits($0, now: now) }
    }

    private func admits(_ index: Int, now: Duration) -> Bool {
        switch replicas[index].breaker {
        case .closed: true
        case .open(let until): now >= until
        case .halfOpen: false
        }
    }

    /// Picks the replica for an attempt and counts it outstanding; `nil` when none admits a request.
    /// - Parameter excluding: Replicas already tried by this request.
    public mutating func acquire(now: Duration, excluding: Set<Int> = []) -> Int? {
        var best: Int?
        for step in 0..<replicas.count {
            let index = (cursor + step) % replicas.count
            guard !excluding.contains(index), admits(index, now: now) else { continue }
            if let current = best, replicas[current].outstanding <= replicas[index].outstanding { continue }
            best = index
        }
        guard let best else { return nil }
        cursor = (best + 1) % replicas.count
        if case .open = replicas[best].breaker { replicas[best].breaker = .halfOpen }
        replicas[best].outstanding += 1
        return best
    }

    /// Ends an attempt on a replica and feeds its breaker.
    public mutating func release(_ index: Int, _ outcome: Outcome, now: Duration) {
        guard replicas.indices.contains(index) else { return }
        replicas[index].outstanding = max(0, replicas[index].outstanding - 1)
        record(index, outcome, now: now)
    }

    /// Feeds an active health check's result to a replica's breaker.
    public mutating func healthChecked(_ index: Int, passed: Bool, now: Duration) {
        guard replicas.indices.contains(index) else { return }
        replicas[index].breaker = passed ? .closed(failures: 0) : .open(until: now + cooldown)
    }

    private mutating func record(_ index: Int, _ outcome: Outcome, now: Duration) {
        switch (replicas[index].breaker, outcome) {
        case (.halfOpen, .success), (.closed, .success):
            replicas[index].breaker = .closed(failures: 0)
        case (.halfOpen, .failure):
            replicas[index].breaker = .open(until: now + cooldown)
        case (.halfOpen, .neutral):
            // The probe proved nothing: the next request may probe again.
            replicas[index].breaker = .open(until: now)
        case (.closed(let failures), .failure):
            replicas[index].breaker = failures + 1 >= failureThreshold ? .open(until: now + cooldown) : .closed(failures: failures + 1)
        case (.open, _), (.closed, .neutral):
            break
        }
    }

    /// `closed`, `open` or `half_open`, for `/readyz` and `/metrics`.
    public func stateName(of index: Int) -> String {
        switch replicas[index].breaker {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half_open"
        }
    }
}
