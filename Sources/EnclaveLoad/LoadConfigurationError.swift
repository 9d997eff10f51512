// Enclave load: the error for a load test that is set up wrongly (bad option, unreadable prompt file).

/// A mistake in how a load test was asked for; its message says what to change.
public struct LoadConfigurationError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, for the user.
    public let message: String

    /// An error with this message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
