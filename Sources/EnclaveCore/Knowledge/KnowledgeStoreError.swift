// Enclave: errors of knowledge storage.

/// An error from a ``KnowledgeStore``.
public struct KnowledgeStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notFound, duplicate, corrupt, unavailable
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// No collection or document has this id or name.
        public static let notFound = Code(.notFound)
        /// The id or name is taken.
        public static let duplicate = Code(.duplicate)
        /// Stored data is not what it should be (or does not decrypt with the key).
        public static let corrupt = Code(.corrupt)
        /// The database cannot be opened or written.
        public static let unavailable = Code(.unavailable)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// A human-readable explanation (never document text).
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// No `kind` (collection, document) has this id or name.
    public static func notFound(_ kind: String, _ idOrName: String) -> Self { Self(.notFound, "no \(kind) has the id or name '\(idOrName)'") }
    /// A `kind` with this id or name exists.
    public static func duplicate(_ kind: String, _ idOrName: String) -> Self { Self(.duplicate, "a \(kind) named '\(idOrName)' exists") }
    /// Stored data is damaged or does not decrypt.
    public static func corrupt(_ detail: String) -> Self { Self(.corrupt, detail) }
    /// The database failed.
    public static func unavailable(_ detail: String) -> Self { Self(.unavailable, detail) }

    public var description: String { message }
}
