// Enclave: errors of identity storage.

/// An error from an ``IdentityStore`` or from checking a user's or a team's fields.
public struct IdentityStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notFound, duplicate, invalidField, corrupt, unavailable
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// No user or team has this id or name.
        public static let notFound = Code(.notFound)
        /// The id, name or e-mail is taken.
        public static let duplicate = Code(.duplicate)
        /// A field's value is not allowed.
        public static let invalidField = Code(.invalidField)
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
    /// The field at fault (`name`, `email`, `weight`, …), if one is.
    public let field: String?

    private init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// No `kind` (user, team) has this id or name.
    public static func notFound(_ kind: String, _ idOrName: String) -> IdentityStoreError {
        IdentityStoreError(.notFound, "no \(kind) has the id or name '\(idOrName)'")
    }

    /// The `field` of a `kind` is taken by another one.
    public static func duplicate(_ kind: String, field: String, _ value: String) -> IdentityStoreError {
        IdentityStoreError(.duplicate, "another \(kind) already has the \(field) '\(value)'", field: field)
    }

    /// The `field` has a value that is not allowed, with the reason.
    public static func invalidField(_ field: String, _ reason: String) -> IdentityStoreError {
        IdentityStoreError(.invalidField, "invalid \(field): \(reason)", field: field)
    }

    /// Stored data is corrupt.
    public static func corrupt(_ message: String) -> IdentityStoreError { IdentityStoreError(.corrupt, message) }

    /// The store cannot be used, with the reason.
    public static func unavailable(_ message: String) -> IdentityStoreError { IdentityStoreError(.unavailable, message) }

    public var description: String { message }
}
