// Enclave: the syntax tree of a parsed template.

/// A statement of a parsed template.
indirect enum JinjaStatement: Sendable {
    /// Literal text.
    case text(String)
    /// `{{ expression }}`.
    case output(JinjaExpression)
    /// `{% if %}` with its `elif` branches and optional `else`.
    case conditional(branches: [(condition: JinjaExpression, body: [JinjaStatement])], otherwise: [JinjaStatement])
    /// `{% for target in iterable if filter %}body{% else %}otherwise{% endfor %}`.
    case loop(JinjaLoopStatement)
    /// `{% set target = value %}`.
    case assign(JinjaTarget, JinjaExpression, JinjaPosition)
    /// `{% set name %}body{% endset %}`, with optional filters applied to the captured text.
    case assignBlock(JinjaTarget, body: [JinjaStatement], filters: [JinjaFilterCall], JinjaPosition)
    /// `{% filter name %}body{% endfilter %}`.
    case filterBlock(body: [JinjaStatement], filters: [JinjaFilterCall])
    /// `{% break %}` and `{% continue %}` (Jinja's loopcontrols extension, which Hugging Face enables).
    case breakLoop
    case continueLoop
}

/// A `for` loop.
struct JinjaLoopStatement: Sendable {
    let target: JinjaTarget
    let iterable: JinjaExpression
    let filter: JinjaExpression?
    let body: [JinjaStatement]
    let otherwise: [JinjaStatement]
    let position: JinjaPosition
}

/// The left side of `set` or the variables of `for`.
enum JinjaTarget: Sendable {
    case name(String)
    case names([String])
    /// `ns.attribute`, which only namespace objects accept.
    case attribute(String, String)
}

/// A filter application: `| name(arguments)`.
struct JinjaFilterCall: Sendable {
    let name: String
    let arguments: JinjaArguments
    let position: JinjaPosition
}

/// Call arguments: positional, then keyword.
struct JinjaArguments: Sendable {
    var positional: [JinjaExpression] = []
    var keyword: [(name: String, value: JinjaExpression)] = []
}

/// Binary operators.
enum JinjaBinaryOperator: String, Sendable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case floorDivide = "//"
    case modulo = "%"
    case power = "**"
    case concat = "~"
    case and, or
}

/// Comparison operators (chained as in Python).
enum JinjaComparison: String, Sendable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case contains = "in"
    case notContains = "not in"
}

/// An expression.
indirect enum JinjaExpression: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case name(String, JinjaPosition)
    case list([JinjaExpression])
    case tuple([JinjaExpression])
    case dict([(key: JinjaExpression, value: JinjaExpression)])
    case attribute(JinjaExpression, String, JinjaPosition)
    case item(JinjaExpression, JinjaExpression, JinjaPosition)
    case slice(JinjaExpression, start: JinjaExpression?, stop: JinjaExpression?, step: JinjaExpression?, JinjaPosition)
    case call(JinjaExpression, JinjaArguments, JinjaPosition)
    case filter(JinjaExpression, JinjaFilterCall)
    case test(JinjaExpression, name: String, JinjaArguments, negated: Bool, JinjaPosition)
    case not(JinjaExpression)
    case negate(JinjaExpression, JinjaPosition)
    case plus(JinjaExpression, JinjaPosition)
    case binary(JinjaBinaryOperator, JinjaExpression, JinjaExpression, JinjaPosition)
    case compare(JinjaExpression, [(JinjaComparison, JinjaExpression)], JinjaPosition)
    case conditional(condition: JinjaExpression, then: JinjaExpression, otherwise: JinjaExpression?)
}
