// Enclave: errors of assistant storage and validation.

/// An error from an ``AssistantStore`` or from checking an ``Assistant``.
public struct AssistantStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notFound, duplicate, invalid, corrupt, unavailable
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// No assistant has this id.
        public static let notFound = Code(.notFound)
        /// An assistant (or a model) already has this id.
        public static let duplicate = Code(.duplicate)
        /// A field's value is not allowed.
        public static let invalid = Code(.invalid)
        /// Stored data is not what it should be.
        public static let corrupt = Code(.corrupt)
        /// The database cannot be read or written.
        public static let unavailable = Code(.unavailable)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// A human-readable explanation.
    public let message: String
    /// The field at fault, for ``Code/invalid``.
    public let field: String?

    private init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// No assistant has this id.
    public static func notFound(_ id: String) -> Self { Self(.notFound, "no assistant has the id '\(id)'") }
    /// An assistant or a model already has this id.
    public static func duplicate(_ id: String) -> Self { Self(.duplicate, "an assistant or a model already has the id '\(id)'") }
    /// A field's value is not allowed.
    public static func invalid(_ field: String, _ detail: String) -> Self { Self(.invalid, "\(field) \(detail)", field: field) }
    /// Stored data is not what it should be.
    public static func corrupt(_ detail: String) -> Self { Self(.corrupt, detail) }
    /// The database cannot be read or written.
    public static func unavailable(_ detail: String) -> Self { Self(.unavailable, detail) }

    public var description: String { message }
}
