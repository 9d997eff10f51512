// Enclave: errors from parsing or rendering a chat template.

/// An error from a chat template: the template cannot be parsed (reported when the model loads), or rendering failed
/// (the template called `raise_exception`, or an expression could not be evaluated).
///
/// The message names the position in the template source as `line L, column C` when one is known.
public struct ChatTemplateError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case syntax, unsupported, raised, runtime, limit
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The template source is not valid Jinja.
        public static let syntax = Code(.syntax)
        /// The template uses a Jinja feature (tag, filter, test) this interpreter does not implement.
        public static let unsupported = Code(.unsupported)
        /// The template itself refused the input with `raise_exception(message)`, e.g. "Conversation roles must
        /// alternate user/assistant/user/assistant/...". ``ChatTemplateError/message`` is the template's message.
        public static let raised = Code(.raised)
        /// An expression failed while rendering (wrong types, an undefined value used as an object, ...).
        public static let runtime = Code(.runtime)
        /// Rendering exceeded a safety limit (output size, loop iterations, nesting depth).
        public static let limit = Code(.limit)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// A human-readable explanation. For ``Code/raised`` it is exactly the template's own message.
    public let message: String
    /// The 1-based line in the template source, when known.
    public let line: Int?
    /// The 1-based column (in Unicode scalars) in the template source, when known.
    public let column: Int?

    init(_ code: Code, _ message: String, at position: JinjaPosition? = nil) {
        self.code = code
        self.message = message
        self.line = position?.line
        self.column = position?.column
    }

    public var description: String {
        guard let line, let column else { return "chat template \(code): \(message)" }
        return "chat template \(code) at line \(line), column \(column): \(message)"
    }
}
