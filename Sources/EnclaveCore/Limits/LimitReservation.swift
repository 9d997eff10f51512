// Enclave: what an admitted request holds until it is settled.

public import Foundation

/// The tokens an admitted request holds (its prompt plus its `max_tokens`) against every limit it was
/// checked against, until ``RateLimiterStateMachine/settle(_:tokens:now:)`` replaces them with what it really
/// used, or ``RateLimiterStateMachine/release(_:now:)`` gives them back.
public struct LimitReservation: Sendable, Hashable, Identifiable {
    /// A number unique within one state machine.
    public let id: UInt64
    /// The tokens reserved: prompt plus `max_tokens`.
    public let tokens: Int
    /// The subjects and the policies the request was admitted under.
    public let subjects: [LimitedSubject]
    /// When the request was admitted.
    public let admittedAt: Date

    /// Creates a reservation (the state machine makes them).
    public init(id: UInt64, tokens: Int, subjects: [LimitedSubject], admittedAt: Date) {
        self.id = id
        self.tokens = tokens
        self.subjects = subjects
        self.admittedAt = admittedAt
    }
}
