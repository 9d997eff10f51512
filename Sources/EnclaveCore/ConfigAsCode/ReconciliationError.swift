// Enclave: why the configuration could not be reconciled with the database.

/// Why ``ConfigurationReconciler`` refused to apply a configuration file. Nothing was changed when it
/// throws one of these: every problem is found before the first write.
public struct ReconciliationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case collision, invalid
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A declared entity has the name (or e-mail, or secret) of one made through the API or the CLI.
        public static let collision = Code(.collision)
        /// A declaration cannot be applied (an unknown owner, a scope its owner may not have).
        public static let invalid = Code(.invalid)
        public var description: String { base.rawValue }
    }

    /// The kind of problem (of the first, when there are several).
    public let code: Code
    /// Every problem found, one sentence each.
    public let problems: [String]

    init(_ code: Code, problems: [String]) {
        self.code = code
        self.problems = problems
    }

    public var description: String {
        problems.count == 1 ? problems[0] : "\(problems.count) problems:\n" + problems.map { "  " + $0 }.joined(separator: "\n")
    }
}
