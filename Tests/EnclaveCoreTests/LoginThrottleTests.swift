// Enclave core tests: the lockout state machine, synchronously, with the time passed in.

import EnclaveCore
import Foundation
import Testing

@Suite struct LoginThrottleTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// Fails `count` attempts of `account` from `address` at `date`, each allowed.
    static func fail(_ throttle: inout LoginThrottle, _ count: Int, account: String, address: String, at date: Date) {
        for _ in 0..<count {
            let decision = throttle.begin(account: account, address: address, at: date)
            #expect(decision == .allowed)
        }
    }

    @Test func anAccountIsLockedAfterTheThresholdWithDoublingDelays() {
        var throttle = LoginThrottle(policy: .init(threshold: 5, addressThreshold: 100, baseDelay: 1, maximumDelay: 900))
        var now = Self.start
        Self.fail(&throttle, 4, account: "alice", address: "10.0.0.1", at: now)
        #expect(throttle.check(account: "alice", address: "10.0.0.1", at: now) == .allowed)
        Self.fail(&throttle, 1, account: "alice", address: "10.0.0.1", at: now)
        let refused = throttle.begin(account: "alice", address: "10.0.0.1", at: now)
        #expect(refused == .locked(retryAfter: 1, subject: .account))
        // Another address is locked out of the account too, and another account is free.
        #expect(throttle.check(account: "alice", address: "10.0.0.2", at: now) == .locked(retryAfter: 1, subject: .account))
        #expect(throttle.check(account: "bob", address: "10.0.0.1", at: now) == .allowed)
        // Each further failure doubles the wait: 2 s, 4 s, 8 s.
        for expected in [2, 4, 8] {
            now = now.addingTimeInterval(Double(expected / 2))
            Self.fail(&throttle, 1, account: "alice", address: "10.0.0.1", at: now)
            #expect(throttle.check(account: "alice", address: "10.0.0.1", at: now) == .locked(retryAfter: expected, subject: .account))
            #expect(throttle.check(account: "alice", address: "10.0.0.1", at: now.addingTimeInterval(Double(expected) - 0.5)) != .allowed)
        }
        #expect(throttle.failures(ofAccount: "alice") == 8)
    }

    @Test func theDelayStopsAtTheCap() {
        var throttle = LoginThrottle(policy: .init(threshold: 1, addressThreshold: 1000, baseDelay: 1, maximumDelay: 900))
        var now = Self.start
        for _ in 0..<30 {
            guard case .allowed = throttle.begin(account: "alice", address: "a", at: now) else {
                Issue.record("refused while its lockout had passed")
                return
            }
            if case .locked(let retryAfter, _) = throttle.check(account: "alice", address: "a", at: now) {
                #expect(retryAfter <= 900)
                now = now.addingTimeInterval(Double(retryAfter))
            }
        }
        #expect(throttle.check(account: "alice", address: "a", at: now.addingTimeInterval(-1)) == .locked(retryAfter: 1, subject: .account))
        #expect(throttle.check(account: "alice", address: "a", at: now.addingTimeInterval(-899)) == .locked(retryAfter: 899, subject: .account))
    }

    @Test func successResetsTheAccountButNotTheAddress() {
        var throttle = LoginThrottle(policy: .init(threshold: 3, addressThreshold: 5))
        let now = Self.start
        Self.fail(&throttle, 2, account: "victim", address: "10.0.0.9", at: now)
        Self.fail(&throttle, 2, account: "other", address: "10.0.0.9", at: now)
        let mine = throttle.begin(account: "mine", address: "10.0.0.9", at: now)
        #expect(mine == .allowed)
        throttle.succeeded(account: "mine", address: "10.0.0.9", at: now)
        #expect(throttle.failures(ofAccount: "mine") == 0)
        #expect(throttle.failures(fromAddress: "10.0.0.9") == 4, "the address keeps its failures")
        Self.fail(&throttle, 1, account: "third", address: "10.0.0.9", at: now)
        #expect(throttle.check(account: "fourth", address: "10.0.0.9", at: now) == .locked(retryAfter: 1, subject: .address))
        #expect(throttle.check(account: "fourth", address: "10.0.0.10", at: now) == .allowed)
        let victim = throttle.begin(account: "victim", address: "10.0.0.10", at: now)
        #expect(victim == .allowed)
        throttle.succeeded(account: "victim", address: "10.0.0.10", at: now)
        #expect(throttle.failures(ofAccount: "victim") == 0)
    }

    @Test func countsAreForgottenAfterAQuietPeriod() {
        var throttle = LoginThrottle(policy: .init(threshold: 2, addressThreshold: 2, baseDelay: 1, maximumDelay: 10, forgetAfter: 60))
        Self.fail(&throttle, 2, account: "alice", address: "a", at: Self.start)
        #expect(throttle.check(account: "alice", address: "a", at: Self.start) != .allowed)
        let later = Self.start.addingTimeInterval(61)
        let bob = throttle.begin(account: "bob", address: "b", at: later)
        #expect(bob == .allowed)
        #expect(throttle.failures(ofAccount: "alice") == 0 && throttle.failures(fromAddress: "a") == 0)
    }
}
