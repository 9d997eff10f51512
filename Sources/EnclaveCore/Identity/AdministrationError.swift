// Enclave: why a change to users, teams or keys was refused.

/// A change to users, teams or keys that ``IdentityAdministration`` refuses. The facts only; the admin API
/// and the CLI word their own messages from them.
public struct AdministrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of refusal this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case managedByConfig, notFound, forbidden, invalid
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The entity is declared in the configuration file and is read-only elsewhere.
        public static let managedByConfig = Code(.managedByConfig)
        /// No such user, team or key (or not one the caller may see).
        public static let notFound = Code(.notFound)
        /// The caller may not make this change.
        public static let forbidden = Code(.forbidden)
        /// The change itself is not valid.
        public static let invalid = Code(.invalid)
        public var description: String { base.rawValue }
    }

    /// The kind of refusal.
    public let code: Code
    /// A human-readable explanation.
    public let message: String
    /// The configuration file, for ``Code/managedByConfig``.
    public let file: String?

    private init(_ code: Code, _ message: String, file: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
    }

    /// The `kind` named `name` is declared in `file`.
    public static func managedByConfig(_ kind: String, _ name: String, file: String) -> AdministrationError {
        AdministrationError(
            .managedByConfig,
            "the \(kind) '\(name)' is declared in \(file); change it there (it is read-only through the API and the CLI)",
            file: file
        )
    }

    /// No `kind` has this id or name.
    public static func notFound(_ kind: String, _ idOrName: String) -> AdministrationError {
        AdministrationError(.notFound, "no \(kind) has the id or name '\(idOrName)'")
    }

    /// The change is not allowed, with the reason.
    public static func forbidden(_ reason: String) -> AdministrationError { AdministrationError(.forbidden, reason) }

    /// The change is not valid, with the reason.
    public static func invalid(_ reason: String) -> AdministrationError { AdministrationError(.invalid, reason) }

    public var description: String { message }
}
