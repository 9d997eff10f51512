// Enclave: the source of calendar time, injected so that tests can move it.

public import Foundation

/// Where code that records or compares calendar dates (key creation and last use, later sessions, budgets and
/// retention) reads the time. Durations and timeouts use a Swift `Clock` instead; a wall clock may jump.
///
/// ```swift
/// let authenticator = KeyAuthenticator(store: store, wallClock: SystemWallClock())
/// ```
public protocol WallClock: Sendable {
    /// The current date.
    func now() -> Date
}

/// The system's calendar time (`Date()`).
public struct SystemWallClock: WallClock {
    /// Creates the system wall clock.
    public init() {}

    public func now() -> Date { Date() }
}
