// Enclave: errors of the audit log.

/// An error from an ``AuditLog``.
public struct AuditLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidEntry, corrupt, unavailable
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The entry cannot be stored (a malformed action, a negative count).
        public static let invalidEntry = Code(.invalidEntry)
        /// A stored row is not a valid record.
        public static let corrupt = Code(.corrupt)
        /// The log cannot be read or written.
        public static let unavailable = Code(.unavailable)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// A human-readable explanation.
    public let message: String
    /// The sequence number of the corrupt record.
    public let sequence: Int64?

    private init(_ code: Code, _ message: String, sequence: Int64? = nil) {
        self.code = code
        self.message = message
        self.sequence = sequence
    }

    /// The entry cannot be stored, with the reason.
    public static func invalidEntry(_ message: String) -> AuditLogError { AuditLogError(.invalidEntry, "invalid audit entry: \(message)") }

    /// The row of record `sequence` is corrupt.
    public static func corrupt(_ message: String, sequence: Int64?) -> AuditLogError { AuditLogError(.corrupt, message, sequence: sequence) }

    /// The log cannot be used, with the reason.
    public static func unavailable(_ message: String) -> AuditLogError { AuditLogError(.unavailable, message) }

    public var description: String { message }
}
