// Enclave: the Jinja parser for statements (expressions are in JinjaParser+Expressions.swift).

/// A recursive-descent parser that follows Jinja 3's grammar (`jinja2/parser.py`) for the statements chat templates
/// use: `if`/`elif`/`else`, `for` (with `else`, an `if` filter, `break`/`continue`), `set` (including `ns.attr = ...` and
/// block `set`), `filter` blocks and Hugging Face's `generation` block. Unknown filters and tests are rejected here,
/// when the template is loaded, as Jinja rejects them when it compiles a template.
struct JinjaParser {
    var tokens: [JinjaToken]
    var index = 0
    var depth = 0
    var loopDepth = 0
    static let maximumDepth = 200

    init(tokens: [JinjaToken]) {
        self.tokens = tokens
    }

    /// Parses a whole template.
    static func parse(_ source: String) throws(ChatTemplateError) -> [JinjaStatement] {
        var lexer = JinjaLexer(source: source)
        var parser = JinjaParser(tokens: try lexer.tokenize())
        let (body, end) = try parser.parseBody(until: [])
        if let end {
            throw ChatTemplateError(.syntax, "encountered unknown tag '\(end)'", at: parser.current.position)
        }
        return body
    }

    // MARK: - Token helpers

    var current: JinjaToken { tokens[index] }
    var next: JinjaToken { tokens[min(index + 1, tokens.count - 1)] }

    mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    mutating func skip(op: String) -> Bool {
        guard current.isOp(op) else { return false }
        advance()
        return true
    }

    mutating func skip(name: String) -> Bool {
        guard current.isName(name) else { return false }
        advance()
        return true
    }

    mutating func expect(op: String) throws(ChatTemplateError) {
        guard skip(op: op) else { throw unexpected(expected: "'\(op)'") }
    }

    mutating func expectName() throws(ChatTemplateError) -> String {
        guard case .name(let name) = current.kind else { throw unexpected(expected: "a name") }
        advance()
        return name
    }

    mutating func expectBlockEnd() throws(ChatTemplateError) {
        guard case .blockEnd = current.kind else { throw unexpected(expected: "end of statement block") }
        advance()
    }

    func unexpected(expected: String) -> ChatTemplateError {
        ChatTemplateError(.syntax, "expected \(expected), got \(current.describe)", at: current.position)
    }

    mutating func enter() throws(ChatTemplateError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw ChatTemplateError(.limit, "template nests deeper than \(Self.maximumDepth) levels", at: current.position)
        }
    }

    // MARK: - Statements

    /// Parses statements until a block tag whose name is in `ends` (left unconsumed after `{%`), or the end.
    /// Returns the body and the name of the end tag found (nil at the end of the template).
    mutating func parseBody(until ends: Set<String>) throws(ChatTemplateError) -> ([JinjaStatement], String?) {
        try enter()
        defer { depth -= 1 }
        var body: [JinjaStatement] = []
        while true {
            let token = current
            switch token.kind {
            case .text(let text):
                body.append(.text(text))
                advance()
            case .variableBegin:
                advance()
                let expression = try parseTuple()
                guard case .variableEnd = current.kind else { throw unexpected(expected: "end of print statement") }
                advance()
                body.append(.output(expression))
            case .blockBegin:
                advance()
                guard case .name(let name) = current.kind else { throw unexpected(expected: "a statement name") }
                if ends.contains(name) { return (body, name) }
                if name.hasPrefix("end") || name == "elif" || name == "else" {
                    let hint = ends.isEmpty ? "" : " (expected one of \(ends.sorted().joined(separator: ", ")))"
                    throw ChatTemplateError(.syntax, "unexpected tag '\(name)'\(hint)", at: token.position)
                }
                body.append(contentsOf: try parseStatement(name, at: token.position))
            case .end:
                if !ends.isEmpty {
                    let expected = ends.sorted().map { "'\($0)'" }.joined(separator: " or ")
                    throw ChatTemplateError(.syntax, "unexpected end of template, expected \(expected)", at: token.position)
                }
                return (body, nil)
            default:
                throw unexpected(expected: "template data or a tag")
            }
        }
    }

    mutating func parseStatement(_ name: String, at position: JinjaPosition) throws(ChatTemplateError) -> [JinjaStatement] {
        advance()
        switch name {
        case "if": return [try parseIf()]
        case "for": return [try parseFor(at: position)]
        case "set": return [try parseSet(at: position)]
        case "break", "continue":
            guard loopDepth > 0 else {
                throw ChatTemplateError(.syntax, "'\(name)' outside of a loop", at: position)
            }
            try expectBlockEnd()
            return [name == "break" ? .breakLoop : .continueLoop]
        case "generation":
            try expectBlockEnd()
            let (body, _) = try parseBody(until: ["endgeneration"])
            advance()
            try expectBlockEnd()
            return body
        case "filter":
            let filters = try parseFilterChain(first: true)
            try expectBlockEnd()
            let (body, _) = try parseBody(until: ["endfilter"])
            advance()
            try expectBlockEnd()
            return [.filterBlock(body: body, filters: filters)]
        case "macro", "call", "include", "import", "from", "extends", "block", "with", "autoescape":
            throw ChatTemplateError(.unsupported, "the '\(name)' tag is not supported in chat templates", at: position)
        default:
            throw ChatTemplateError(.syntax, "encountered unknown tag '\(name)'", at: position)
        }
    }

    mutating func parseIf() throws(ChatTemplateError) -> JinjaStatement {
        var branches: [(condition: JinjaExpression, body: [JinjaStatement])] = []
        var otherwise: [JinjaStatement] = []
        while true {
            let condition = try parseTuple(withCondition: false)
            try expectBlockEnd()
            let (body, end) = try parseBody(until: ["elif", "else", "endif"])
            branches.append((condition, body))
            advance()
            if end == "elif" { continue }
            if end == "else" {
                try expectBlockEnd()
                (otherwise, _) = try parseBody(until: ["endif"])
                advance()
            }
            try expectBlockEnd()
            return .conditional(branches: branches, otherwise: otherwise)
        }
    }

    mutating func parseFor(at position: JinjaPosition) throws(ChatTemplateError) -> JinjaStatement {
        let target = try parseTarget(allowAttribute: false)
        guard skip(name: "in") else { throw unexpected(expected: "'in'") }
        let iterable = try parseTuple(withCondition: false, extraEnds: ["recursive"])
        var filter: JinjaExpression? = nil
        if skip(name: "if") { filter = try parseExpression() }
        if current.isName("recursive") {
            throw ChatTemplateError(.unsupported, "recursive loops are not supported", at: current.position)
        }
        try expectBlockEnd()
        loopDepth += 1
        let (body, end) = try parseBody(until: ["endfor", "else"])
        loopDepth -= 1
        advance()
        var otherwise: [JinjaStatement] = []
        if end == "else" {
            try expectBlockEnd()
            (otherwise, _) = try parseBody(until: ["endfor"])
            advance()
        }
        try expectBlockEnd()
        return .loop(
            JinjaLoopStatement(
                target: target,
                iterable: iterable,
                filter: filter,
                body: body,
                otherwise: otherwise,
                position: position
            )
        )
    }

    mutating func parseSet(at position: JinjaPosition) throws(ChatTemplateError) -> JinjaStatement {
        let target = try parseTarget(allowAttribute: true)
        if skip(op: "=") {
            let value = try parseTuple()
            try expectBlockEnd()
            return .assign(target, value, position)
        }
        let filters = current.isOp("|") ? try parseFilterChain(first: false) : []
        try expectBlockEnd()
        let (body, _) = try parseBody(until: ["endset"])
        advance()
        try expectBlockEnd()
        return .assignBlock(target, body: body, filters: filters, position)
    }

    /// `name`, `a, b`, `(a, b)`, or (for `set`) `namespace.attribute`.
    mutating func parseTarget(allowAttribute: Bool) throws(ChatTemplateError) -> JinjaTarget {
        if allowAttribute, case .name(let object) = current.kind, next.isOp(".") {
            advance()
            advance()
            return .attribute(object, try expectName())
        }
        let parenthesized = skip(op: "(")
        var names = [try expectName()]
        var isTuple = parenthesized
        while skip(op: ",") {
            isTuple = true
            if case .name = current.kind { names.append(try expectName()) } else { break }
        }
        if parenthesized { try expect(op: ")") }
        return isTuple ? .names(names) : .name(names[0])
    }
}
