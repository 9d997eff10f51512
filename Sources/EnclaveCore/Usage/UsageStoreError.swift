// Enclave: errors of usage storage.

/// An error from a ``UsageStore``.
public struct UsageStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidRecord, corrupt, unavailable
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The record has a negative count or an empty id.
        public static let invalidRecord = Code(.invalidRecord)
        /// Stored data is not what it should be.
        public static let corrupt = Code(.corrupt)
        /// The database cannot be opened, read or written.
        public static let unavailable = Code(.unavailable)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// A human-readable explanation.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The record cannot be stored, with the reason.
    public static func invalidRecord(_ message: String) -> UsageStoreError { UsageStoreError(.invalidRecord, "invalid usage record: \(message)") }

    /// Stored data is corrupt.
    public static func corrupt(_ message: String) -> UsageStoreError { UsageStoreError(.corrupt, message) }

    /// The store cannot be used, with the reason.
    public static func unavailable(_ message: String) -> UsageStoreError { UsageStoreError(.unavailable, message) }

    public var description: String { message }
}
