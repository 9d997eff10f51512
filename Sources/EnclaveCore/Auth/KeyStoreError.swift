// Enclave: errors of key storage.

/// An error from a ``KeyStore``.
public struct KeyStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notFound, duplicateName, duplicateKey, invalidName, invalidScope, invalidField, ambiguous, corrupt, unavailable,
                insecurePermissions
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// No active key has this id or name.
        public static let notFound = Code(.notFound)
        /// An active key already has this name.
        public static let duplicateName = Code(.duplicateName)
        /// A key with this id or hash already exists.
        public static let duplicateKey = Code(.duplicateKey)
        /// The name is empty, too long or has characters that are not allowed.
        public static let invalidName = Code(.invalidName)
        /// The scope is not one the server knows.
        public static let invalidScope = Code(.invalidScope)
        /// Another field of the key (its models or expiry) is not allowed.
        public static let invalidField = Code(.invalidField)
        /// A name matches active keys of several users: use the key's id.
        public static let ambiguous = Code(.ambiguous)
        /// Stored data is not what it should be.
        public static let corrupt = Code(.corrupt)
        /// The database cannot be opened or written.
        public static let unavailable = Code(.unavailable)
        /// The data directory or the database may be read or written by group or others.
        public static let insecurePermissions = Code(.insecurePermissions)
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

    /// No active key has this id or name.
    public static func notFound(_ idOrName: String) -> KeyStoreError {
        KeyStoreError(.notFound, "no active key has the id or name '\(idOrName)'")
    }

    /// An active key of the same user already has this name.
    public static func duplicateName(_ name: String) -> KeyStoreError {
        KeyStoreError(.duplicateName, "an active key of this user is already named '\(name)'")
    }

    /// A key with this id or hash already exists.
    public static func duplicateKey(_ id: String) -> KeyStoreError {
        KeyStoreError(.duplicateKey, "a key with the id '\(id)' or the same secret already exists")
    }

    /// The name is not allowed, with the reason.
    public static func invalidName(_ name: String, _ reason: String) -> KeyStoreError {
        KeyStoreError(.invalidName, "invalid key name '\(name)': \(reason)")
    }

    /// The scope name is not one of `known`.
    public static func invalidScope(_ name: String, known: [String]) -> KeyStoreError {
        KeyStoreError(.invalidScope, "unknown key scope '\(name)': use \(known.joined(separator: " or "))")
    }

    /// A field of the key is not allowed, with the reason.
    public static func invalidField(_ field: String, _ reason: String) -> KeyStoreError {
        KeyStoreError(.invalidField, "invalid \(field): \(reason)")
    }

    /// Several users have an active key with this name.
    public static func ambiguous(_ name: String) -> KeyStoreError {
        KeyStoreError(.ambiguous, "several users have an active key named '\(name)': use the key's id")
    }

    /// Stored data is corrupt.
    public static func corrupt(_ message: String) -> KeyStoreError { KeyStoreError(.corrupt, message) }

    /// The store cannot be used, with the reason.
    public static func unavailable(_ message: String) -> KeyStoreError { KeyStoreError(.unavailable, message) }

    /// The data directory or the database is not private to its user; `message` names the fix.
    public static func insecurePermissions(_ message: String) -> KeyStoreError { KeyStoreError(.insecurePermissions, message) }

    public var description: String { message }
}
