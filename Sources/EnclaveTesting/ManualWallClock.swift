// Enclave testing: a wall clock that tests set and move.

public import EnclaveCore
public import Foundation
import Synchronization

/// A ``WallClock`` that stands still until a test moves it.
///
/// ```swift
/// let clock = ManualWallClock(Date(timeIntervalSince1970: 1_700_000_000))
/// clock.advance(by: 61)
/// ```
public final class ManualWallClock: WallClock {
    private let current: Mutex<Date>

    /// Creates a clock showing `date`.
    public init(_ date: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        current = Mutex(date)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock by `seconds` (negative: back, as a corrected clock does).
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Sets the clock to `date`.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
