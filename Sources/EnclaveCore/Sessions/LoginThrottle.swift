// Enclave core: locking out repeated failed logins, as a pure state machine.

public import Foundation

/// Counts failed logins per account and per client address and locks either out, with exponential
/// back-off, once it has failed ``Policy/threshold`` times in a row (``Policy/addressThreshold`` for an
/// address): the first lockout lasts ``Policy/baseDelay`` from the last failure, each further failure
/// doubles it, up to ``Policy/maximumDelay``. A successful login resets its account's count (not its
/// address's, so that a caller cannot reset the count of an address that guesses other accounts'
/// passwords by logging into its own); counts are forgotten after ``Policy/forgetAfter`` without a failure.
///
/// Pure and synchronous: the time is passed in, so tests move it. ``SessionAuthenticator`` wraps it.
///
/// ```swift
/// var throttle = LoginThrottle()
/// guard throttle.begin(account: id, address: ip, at: now) == .allowed else { ... }  // 429
/// if passwordMatched { throttle.succeeded(account: id, address: ip, at: now) }
/// ```
public struct LoginThrottle: Sendable {
    /// When to lock out and for how long.
    public struct Policy: Sendable, Hashable {
        /// Failed logins in a row (of an account, or from an address) before the first lockout.
        public var threshold: Int
        /// Failed logins from one address before it is locked out (more than an account's, as several
        /// people may share an address).
        public var addressThreshold: Int
        /// The first lockout's length, in seconds.
        public var baseDelay: TimeInterval
        /// The longest lockout, in seconds.
        public var maximumDelay: TimeInterval
        /// How long a count is kept after its last failure, in seconds.
        public var forgetAfter: TimeInterval

        /// Creates a policy: 5 failures per account and 20 per address, then 1 s doubling to 15 minutes,
        /// counts forgotten after a day without failure.
        public init(
            threshold: Int = 5,
            addressThreshold: Int = 20,
            baseDelay: TimeInterval = 1,
            maximumDelay: TimeInterval = 900,
            forgetAfter: TimeInterval = 86_400
        ) {
            self.threshold = max(1, threshold)
            self.addressThreshold = max(1, addressThreshold)
            self.baseDelay = max(0.001, baseDelay)
            self.maximumDelay = max(self.baseDelay, maximumDelay)
            self.forgetAfter = max(self.maximumDelay, forgetAfter)
        }
    }

    /// Whether a login may be tried now.
    public enum Decision: Sendable, Hashable {
        /// The password may be checked.
        case allowed
        /// Locked out: try again after this many seconds (rounded up, at least 1).
        case locked(retryAfter: Int, subject: Subject)
    }

    /// What a lockout is on.
    public enum Subject: Sendable, Hashable {
        /// The account.
        case account
        /// The client address.
        case address
    }

    struct Counter: Sendable, Hashable {
        var failures: Int
        var lastFailure: Date
    }

    /// The policy in force.
    public let policy: Policy
    private(set) var accounts: [String: Counter] = [:]
    private(set) var addresses: [String: Counter] = [:]

    /// Creates a throttle with no failures counted.
    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// Whether a login to `account` from `address` may be tried at `now`.
    public func check(account: String, address: String, at now: Date) -> Decision {
        let accountWait = wait(accounts[account], threshold: policy.threshold, now: now)
        let addressWait = wait(addresses[address], threshold: policy.addressThreshold, now: now)
        if accountWait <= 0 && addressWait <= 0 { return .allowed }
        return accountWait >= addressWait
            ? .locked(retryAfter: Self.seconds(accountWait), subject: .account)
            : .locked(retryAfter: Self.seconds(addressWait), subject: .address)
    }

    /// Starts a login attempt: if it is ``Decision/allowed``, counts it as a failure of the account and the
    /// address at once (so that attempts running side by side cannot pass the threshold while their
    /// passwords are checked); ``succeeded(account:address:at:)`` takes the count back.
    public mutating func begin(account: String, address: String, at now: Date) -> Decision {
        let decision = check(account: account, address: address, at: now)
        guard decision == .allowed else { return decision }
        forgetOld(at: now)
        accounts[account] = Counter(failures: (accounts[account]?.failures ?? 0) + 1, lastFailure: now)
        addresses[address] = Counter(failures: (addresses[address]?.failures ?? 0) + 1, lastFailure: now)
        return .allowed
    }

    /// Ends a successful attempt begun with ``begin(account:address:at:)``: the account's count is reset and
    /// the address's loses the attempt (its earlier failures stay).
    public mutating func succeeded(account: String, address: String, at now: Date) {
        accounts[account] = nil
        if let counter = addresses[address] {
            addresses[address] = counter.failures > 1 ? Counter(failures: counter.failures - 1, lastFailure: counter.lastFailure) : nil
        }
    }

    /// The failures counted for an account.
    public func failures(ofAccount account: String) -> Int { accounts[account]?.failures ?? 0 }

    /// The failures counted from an address.
    public func failures(fromAddress address: String) -> Int { addresses[address]?.failures ?? 0 }

    /// The lockout's length after `failures` failures: none below the threshold, then the base delay doubling.
    func delay(failures: Int, threshold: Int) -> TimeInterval {
        guard failures >= threshold else { return 0 }
        let doublings = min(failures - threshold, 40)
        return min(policy.baseDelay * pow(2, Double(doublings)), policy.maximumDelay)
    }

    private func wait(_ counter: Counter?, threshold: Int, now: Date) -> TimeInterval {
        guard let counter else { return 0 }
        let until = counter.lastFailure.addingTimeInterval(delay(failures: counter.failures, threshold: threshold))
        return until.timeIntervalSince(now)
    }

    private mutating func forgetOld(at now: Date) {
        let horizon = now.addingTimeInterval(-policy.forgetAfter)
        accounts = accounts.filter { $0.value.lastFailure > horizon }
        addresses = addresses.filter { $0.value.lastFailure > horizon }
    }

    private static func seconds(_ interval: TimeInterval) -> Int { max(1, Int(interval.rounded(.up))) }
}
