// Enclave core: errors of session storage.

/// An error from a ``SessionStore``.
public struct SessionStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case duplicate, corrupt, unavailable
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The id or the token hash is taken.
        public static let duplicate = Code(.duplicate)
        /// Stored data is not what it should be.
        public static let corrupt = Code(.corrupt)
        /// The database cannot be opened or written.
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

    /// A session with this id or token hash exists.
    public static func duplicate(_ id: String) -> SessionStoreError { SessionStoreError(.duplicate, "a session '\(id)' already exists") }

    /// Stored data is corrupt.
    public static func corrupt(_ message: String) -> SessionStoreError { SessionStoreError(.corrupt, message) }

    /// The store cannot be used, with the reason.
    public static func unavailable(_ message: String) -> SessionStoreError { SessionStoreError(.unavailable, message) }

    public var description: String { message }
}
