// Enclave guardrails: errors of reading an evaluation file.

/// A problem with a guardrail evaluation file.
public struct GuardrailEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case badLine, unknownLabel, empty
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A line is not a JSON object with a `text` string and a `labels` array of strings.
        public static let badLine = Code(.badLine)
        /// A label is not an entity name.
        public static let unknownLabel = Code(.unknownLabel)
        /// The file has no cases.
        public static let empty = Code(.empty)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// The line of the file it is on (1-based; 0 for the whole file).
    public let line: Int
    /// A human-readable explanation.
    public let message: String

    private init(_ code: Code, line: Int, _ message: String) {
        self.code = code
        self.line = line
        self.message = message
    }

    /// Line `line` is not a case object.
    public static func badLine(_ line: Int) -> GuardrailEvaluationError {
        GuardrailEvaluationError(.badLine, line: line, #"line \#(line) is not a JSON object {"text": "...", "labels": [...]}"#)
    }

    /// Line `line` has a label that names no entity.
    public static func unknownLabel(_ label: String, line: Int) -> GuardrailEvaluationError {
        let names = GuardEntity.all.map(\.rawValue).joined(separator: ", ")
        let shown = label.count > 40 ? String(label.prefix(40)) + "..." : label
        return GuardrailEvaluationError(.unknownLabel, line: line, "line \(line) has the label '\(shown)', which is not one of \(names)")
    }

    /// The file has no cases.
    public static let empty = GuardrailEvaluationError(.empty, line: 0, "the file has no cases")

    public var description: String { message }
}
