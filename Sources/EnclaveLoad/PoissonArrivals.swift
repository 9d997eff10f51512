// Enclave load: open-loop arrival times of a Poisson process, so queueing shows as it does in production.

import Foundation

/// The gaps between arrivals of a Poisson process of `rate` requests per second: independent exponential
/// draws with mean `1 / rate`, seeded so that a run can be repeated exactly.
public struct PoissonArrivals: Sendable {
    /// Arrivals per second.
    public let rate: Double
    private var generator: SeededGenerator

    /// Arrivals at `rate` per second (must be positive), drawn from `seed`.
    public init(rate: Double, seed: UInt64) {
        precondition(rate > 0, "a Poisson rate must be positive")
        self.rate = rate
        generator = SeededGenerator(seed: seed)
    }

    /// The time in seconds from the previous arrival to the next.
    public mutating func nextGap() -> Double {
        -log(1 - generator.nextUnit()) / rate
    }

    /// The arrival times in seconds from the start that fall before `horizon`.
    public mutating func arrivals(before horizon: Double) -> [Double] {
        var times: [Double] = []
        var time = nextGap()
        while time < horizon {
            times.append(time)
            time += nextGap()
        }
        return times
    }
}
