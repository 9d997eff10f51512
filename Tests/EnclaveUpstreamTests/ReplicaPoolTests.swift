// Enclave upstream: tests of replica choice and the circuit breaker (pure state, no clock).

import EnclaveUpstream
import Testing

@Suite struct ReplicaPoolTests {
    @Test func picksTheReplicaWithFewestOutstandingRequests() {
        var pool = ReplicaPool(count: 3, failureThreshold: 3, cooldown: .seconds(5))
        let first = pool.acquire(now: .zero)
        let second = pool.acquire(now: .zero)
        let third = pool.acquire(now: .zero)
        #expect(Set([first, second, third].compactMap { $0 }) == [0, 1, 2])
        pool.release(1, .success, now: .zero)
        #expect(pool.acquire(now: .zero) == 1)
        #expect(pool.replicas.map(\.outstanding) == [1, 1, 1])
    }

    @Test func excludesReplicasAlreadyTried() {
        var pool = ReplicaPool(count: 2, failureThreshold: 3, cooldown: .seconds(5))
        #expect(pool.acquire(now: .zero, excluding: [0]) == 1)
        #expect(pool.acquire(now: .zero, excluding: [0, 1]) == nil)
    }

    @Test func opensAfterConsecutiveFailuresAndProbesAfterTheCooldown() {
        var pool = ReplicaPool(count: 1, failureThreshold: 2, cooldown: .seconds(5))
        #expect(pool.acquire(now: .zero) == 0)
        pool.release(0, .failure, now: .seconds(1))
        #expect(pool.stateName(of: 0) == "closed")
        #expect(pool.acquire(now: .seconds(1)) == 0)
        pool.release(0, .failure, now: .seconds(2))
        #expect(pool.stateName(of: 0) == "open")
        #expect(!pool.isAvailable(now: .seconds(6)))
        #expect(pool.acquire(now: .seconds(6)) == nil)
        // After the cooldown one probe passes; no second request while it is in flight.
        #expect(pool.isAvailable(now: .seconds(7)))
        #expect(pool.acquire(now: .seconds(7)) == 0)
        #expect(pool.stateName(of: 0) == "half_open")
        #expect(pool.acquire(now: .seconds(7)) == nil)
        // The probe fails: open again for a full cooldown.
        pool.release(0, .failure, now: .seconds(8))
        #expect(pool.acquire(now: .seconds(12)) == nil)
        #expect(pool.acquire(now: .seconds(13)) == 0)
        pool.release(0, .success, now: .seconds(13))
        #expect(pool.stateName(of: 0) == "closed")
        #expect(pool.acquire(now: .seconds(13)) == 0)
    }

    @Test func aSuccessResetsTheFailureCount() {
        var pool = ReplicaPool(count: 1, failureThreshold: 2, cooldown: .seconds(5))
        for outcome in [ReplicaPool.Outcome.failure, .success, .failure] {
            _ = pool.acquire(now: .zero)
            pool.release(0, outcome, now: .zero)
        }
        #expect(pool.stateName(of: 0) == "closed")
    }

    @Test func neutralOutcomesDoNotCountAndAnInconclusiveProbeLetsTheNextOneTry() {
        var pool = ReplicaPool(count: 1, failureThreshold: 1, cooldown: .seconds(5))
        _ = pool.acquire(now: .zero)
        pool.release(0, .neutral, now: .zero)
        #expect(pool.stateName(of: 0) == "closed")
        _ = pool.acquire(now: .zero)
        pool.release(0, .failure, now: .zero)
        #expect(pool.acquire(now: .seconds(5)) == 0)
        pool.release(0, .neutral, now: .seconds(5))
        #expect(pool.acquire(now: .seconds(5)) == 0)
    }

    @Test func healthChecksEjectAndRestoreAReplica() {
        var pool = ReplicaPool(count: 2, failureThreshold: 3, cooldown: .seconds(5))
        pool.healthChecked(0, passed: false, now: .zero)
        #expect(pool.acquire(now: .seconds(1)) == 1)
        #expect(pool.acquire(now: .seconds(1)) == 1)
        pool.healthChecked(0, passed: true, now: .seconds(2))
        #expect(pool.acquire(now: .seconds(2)) == 0)
    }

    @Test func aPoolWithEveryReplicaOpenIsUnavailable() {
        var pool = ReplicaPool(count: 2, failureThreshold: 1, cooldown: .seconds(5))
        pool.healthChecked(0, passed: false, now: .zero)
        pool.healthChecked(1, passed: false, now: .zero)
        #expect(!pool.isAvailable(now: .seconds(1)))
        #expect(pool.acquire(now: .seconds(1)) == nil)
    }
}
