// Enclave: tokens of the Jinja subset used by chat templates.

/// A position in the template source: 1-based line and column (columns count Unicode scalars).
struct JinjaPosition: Sendable, Hashable {
    let line: Int
    let column: Int
}

/// One lexical token of a template.
struct JinjaToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Literal template text outside tags, already whitespace-controlled.
        case text(String)
        case variableBegin, variableEnd, blockBegin, blockEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        /// An operator or punctuation: `+ - * / // % ** ~ == != < <= > >= = . , : | ( ) [ ] { }`.
        case op(String)
        case end
    }

    let kind: Kind
    let position: JinjaPosition

    /// A short description for error messages, in the style of Jinja's.
    var describe: String {
        switch kind {
        case .text: "template data"
        case .variableBegin: "begin of print statement"
        case .variableEnd: "end of print statement"
        case .blockBegin: "begin of statement block"
        case .blockEnd: "end of statement block"
        case .name(let name): "'\(name)'"
        case .string: "string"
        case .integer, .float: "number"
        case .op(let op): "'\(op)'"
        case .end: "end of template"
        }
    }

    func isName(_ name: String) -> Bool {
        if case .name(let value) = kind { return value == name }
        return false
    }

    func isOp(_ op: String) -> Bool {
        if case .op(let value) = kind { return value == op }
        return false
    }
}
