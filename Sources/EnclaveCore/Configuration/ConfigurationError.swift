// Enclave: errors in a configuration file.

/// A configuration problem, naming the file, the line and the key.
///
/// ```
/// enclave.yaml:12: limits.queue_length: expected an integer from 0 to 100000, got 'many'
/// ```
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadable, syntax, unknownKey, invalidValue, missingKey, undefinedVariable
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The file cannot be read.
        public static let unreadable = Code(.unreadable)
        /// The file is not valid YAML.
        public static let syntax = Code(.syntax)
        /// A key that Enclave does not know (often a typo).
        public static let unknownKey = Code(.unknownKey)
        /// A value of the wrong type or out of range.
        public static let invalidValue = Code(.invalidValue)
        /// A required key is absent.
        public static let missingKey = Code(.missingKey)
        /// `${VAR}` names an environment variable that is not set.
        public static let undefinedVariable = Code(.undefinedVariable)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// The file (or a label such as `<flags>`).
    public let source: String
    /// The 1-based line, when known.
    public let line: Int?
    /// The 1-based column, when known.
    public let column: Int?
    /// The dotted key path, such as `models[0].threads`, when known.
    public let key: String?
    /// What is wrong.
    public let problem: String

    /// Creates an error.
    public init(_ code: Code, source: String, line: Int?, column: Int? = nil, key: String?, problem: String) {
        self.code = code
        self.source = source
        self.line = line
        self.column = column
        self.key = key
        self.problem = problem
    }

    public var description: String {
        var text = source
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + problem
    }

    /// The error as compilers and editors print one: `FILE:LINE:COLUMN: key: problem` (what
    /// `enclave config validate` prints).
    public var diagnostic: String {
        var text = source
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if let key { text += "\(key): " }
        return text + problem
    }
}
