// Enclave: the Jinja expression grammar, with Jinja 3's precedence.

extension JinjaParser {
    /// `a, b` (a tuple) or a single expression; ends at a tag end, `)` or one of `extraEnds`.
    mutating func parseTuple(
        withCondition: Bool = true,
        extraEnds: Set<String> = [],
        explicitParentheses: Bool = false
    )
        throws(ChatTemplateError) -> JinjaExpression
    {
        var items: [JinjaExpression] = []
        var isTuple = false
        while true {
            if !items.isEmpty { try expect(op: ",") }
            if isTupleEnd(extraEnds) { break }
            items.append(withCondition ? try parseExpression() : try parseOr())
            if current.isOp(",") { isTuple = true } else { break }
        }
        if !isTuple {
            if let first = items.first { return first }
            if !explicitParentheses { throw unexpected(expected: "an expression") }
        }
        return .tuple(items)
    }

    private func isTupleEnd(_ extraEnds: Set<String>) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd: return true
        case .op(let op): return op == ")"
        case .name(let name): return extraEnds.contains(name)
        default: return false
        }
    }

    /// A full expression, including `a if b else c`.
    mutating func parseExpression() throws(ChatTemplateError) -> JinjaExpression {
        try enter()
        defer { depth -= 1 }
        var expression = try parseOr()
        while skip(name: "if") {
            let condition = try parseOr()
            let otherwise = skip(name: "else") ? try parseExpression() : nil
            expression = .conditional(condition: condition, then: expression, otherwise: otherwise)
        }
        return expression
    }

    mutating func parseOr() throws(ChatTemplateError) -> JinjaExpression {
        var left = try parseAnd()
        while current.isName("or") {
            let position = current.position
            advance()
            left = .binary(.or, left, try parseAnd(), position)
        }
        return left
    }

    private mutating func parseAnd() throws(ChatTemplateError) -> JinjaExpression {
        var left = try parseNot()
        while current.isName("and") {
            let position = current.position
            advance()
            left = .binary(.and, left, try parseNot(), position)
        }
        return left
    }

    private mutating func parseNot() throws(ChatTemplateError) -> JinjaExpression {
        if skip(name: "not") {
            try enter()
            defer { depth -= 1 }
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(ChatTemplateError) -> JinjaExpression {
        let position = current.position
        let first = try parseAdditive()
        var operations: [(JinjaComparison, JinjaExpression)] = []
        while true {
            if case .op(let op) = current.kind, let comparison = JinjaComparison(rawValue: op), op != "in" {
                advance()
                operations.append((comparison, try parseAdditive()))
            } else if skip(name: "in") {
                operations.append((.contains, try parseAdditive()))
            } else if current.isName("not"), next.isName("in") {
                advance()
                advance()
                operations.append((.notContains, try parseAdditive()))
            } else {
                break
            }
        }
        return operations.isEmpty ? first : .compare(first, operations, position)
    }

    private mutating func parseAdditive() throws(ChatTemplateError) -> JinjaExpression {
        var left = try parseConcat()
        while current.isOp("+") || current.isOp("-") {
            let position = current.position
            let op: JinjaBinaryOperator = current.isOp("+") ? .add : .subtract
            advance()
            left = .binary(op, left, try parseConcat(), position)
        }
        return left
    }

    private mutating func parseConcat() throws(ChatTemplateError) -> JinjaExpression {
        var left = try parseMultiplicative()
        while current.isOp("~") {
            let position = current.position
            advance()
            left = .binary(.concat, left, try parseMultiplicative(), position)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(ChatTemplateError) -> JinjaExpression {
        var left = try parsePower()
        while case .op(let op) = current.kind, ["*", "/", "//", "%"].contains(op),
            let binary = JinjaBinaryOperator(rawValue: op)
        {
            let position = current.position
            advance()
            left = .binary(binary, left, try parsePower(), position)
        }
        return left
    }

    private mutating func parsePower() throws(ChatTemplateError) -> JinjaExpression {
        var left = try parseUnary(withFilters: true)
        while current.isOp("**") {
            let position = current.position
            advance()
            left = .binary(.power, left, try parseUnary(withFilters: true), position)
        }
        return left
    }

    private mutating func parseUnary(withFilters: Bool) throws(ChatTemplateError) -> JinjaExpression {
        try enter()
        defer { depth -= 1 }
        let position = current.position
        var expression: JinjaExpression
        if skip(op: "-") {
            expression = .negate(try parseUnary(withFilters: false), position)
        } else if skip(op: "+") {
            expression = .plus(try parseUnary(withFilters: false), position)
        } else {
            expression = try parsePrimary()
        }
        expression = try parsePostfix(expression)
        if withFilters { expression = try parseFilterExpression(expression) }
        return expression
    }

    private mutating func parsePrimary() throws(ChatTemplateError) -> JinjaExpression {
        let token = current
        switch token.kind {
        case .name(let name):
            advance()
            switch name {
            case "true", "True": return .bool(true)
            case "false", "False": return .bool(false)
            case "none", "None": return .none
            default: return .name(name, token.position)
            }
        case .string(var text):
            advance()
            while case .string(let more) = current.kind {
                text += more
                advance()
            }
            return .string(text)
        case .integer(let value):
            advance()
            return .int(value)
        case .float(let value):
            advance()
            return .double(value)
        case .op("("):
            advance()
            let expression = try parseTuple(explicitParentheses: true)
            try expect(op: ")")
            return expression
        case .op("["):
            advance()
            var items: [JinjaExpression] = []
            while !current.isOp("]") {
                if !items.isEmpty {
                    try expect(op: ",")
                    if current.isOp("]") { break }
                }
                items.append(try parseExpression())
            }
            try expect(op: "]")
            return .list(items)
        case .op("{"):
            advance()
            var items: [(key: JinjaExpression, value: JinjaExpression)] = []
            while !current.isOp("}") {
                if !items.isEmpty {
                    try expect(op: ",")
                    if current.isOp("}") { break }
                }
                let key = try parseExpression()
                try expect(op: ":")
                items.append((key, try parseExpression()))
            }
            try expect(op: "}")
            return .dict(items)
        default:
            throw ChatTemplateError(.syntax, "unexpected \(token.describe)", at: token.position)
        }
    }

    private mutating func parsePostfix(_ base: JinjaExpression) throws(ChatTemplateError) -> JinjaExpression {
        var expression = base
        while true {
            let position = current.position
            if skip(op: ".") {
                switch current.kind {
                case .name(let name):
                    advance()
                    expression = .attribute(expression, name, position)
                case .integer(let value):
                    advance()
                    expression = .item(expression, .int(value), position)
                default:
                    throw unexpected(expected: "a name or number after '.'")
                }
            } else if skip(op: "[") {
                var subscripts: [JinjaExpression] = []
                while !current.isOp("]") {
                    if !subscripts.isEmpty { try expect(op: ",") }
                    subscripts.append(try parseSubscript(of: expression, at: position))
                }
                try expect(op: "]")
                guard !subscripts.isEmpty else { throw unexpected(expected: "a subscript") }
                if subscripts.count == 1, case .slice = subscripts[0] {
                    expression = subscripts[0]
                } else {
                    expression = .item(expression, subscripts.count == 1 ? subscripts[0] : .tuple(subscripts), position)
                }
            } else if current.isOp("(") {
                expression = .call(expression, try parseCallArguments(), position)
            } else {
                return expression
            }
        }
    }

    /// One subscript: an expression or a slice `start:stop:step` (each part optional).
    private mutating func parseSubscript(
        of base: JinjaExpression,
        at position: JinjaPosition
    )
        throws(ChatTemplateError) -> JinjaExpression
    {
        var start: JinjaExpression? = nil
        if !current.isOp(":") {
            let expression = try parseExpression()
            guard current.isOp(":") else { return expression }
            start = expression
        }
        advance()
        var stop: JinjaExpression? = nil
        if !current.isOp(":") && !current.isOp("]") && !current.isOp(",") { stop = try parseExpression() }
        var step: JinjaExpression? = nil
        if skip(op: ":"), !current.isOp("]") && !current.isOp(",") { step = try parseExpression() }
        return .slice(base, start: start, stop: stop, step: step, position)
    }

    mutating func parseCallArguments() throws(ChatTemplateError) -> JinjaArguments {
        try expect(op: "(")
        var arguments = JinjaArguments()
        while !current.isOp(")") {
            if !arguments.positional.isEmpty || !arguments.keyword.isEmpty {
                try expect(op: ",")
                if current.isOp(")") { break }
            }
            if current.isOp("*") || current.isOp("**") {
                throw ChatTemplateError(.unsupported, "*args and **kwargs in calls are not supported", at: current.position)
            }
            if case .name(let name) = current.kind, next.isOp("=") {
                advance()
                advance()
                arguments.keyword.append((name, try parseExpression()))
            } else {
                guard arguments.keyword.isEmpty else {
                    throw ChatTemplateError(.syntax, "positional argument follows keyword argument", at: current.position)
                }
                arguments.positional.append(try parseExpression())
            }
        }
        try expect(op: ")")
        return arguments
    }

    /// Filters (`| name(...)`), tests (`is [not] name ...`) and calls after a unary expression.
    private mutating func parseFilterExpression(_ base: JinjaExpression) throws(ChatTemplateError) -> JinjaExpression {
        var expression = base
        while true {
            if current.isOp("|") {
                for filter in try parseFilterChain(first: false) { expression = .filter(expression, filter) }
            } else if current.isName("is") {
                expression = try parseTest(expression)
            } else if current.isOp("(") {
                let position = current.position
                expression = .call(expression, try parseCallArguments(), position)
            } else {
                return expression
            }
        }
    }

    /// `| a | b(...)`; with `first`, the first filter has no leading `|` (as in `{% filter upper %}`).
    mutating func parseFilterChain(first: Bool) throws(ChatTemplateError) -> [JinjaFilterCall] {
        var filters: [JinjaFilterCall] = []
        var inline = first
        while inline || current.isOp("|") {
            if !inline { advance() }
            inline = false
            let position = current.position
            var name = try expectName()
            while skip(op: ".") { name += "." + (try expectName()) }
            guard JinjaFilters.names.contains(name) else {
                throw ChatTemplateError(.unsupported, "no filter named '\(name)'", at: position)
            }
            let arguments = current.isOp("(") ? try parseCallArguments() : JinjaArguments()
            filters.append(JinjaFilterCall(name: name, arguments: arguments, position: position))
        }
        return filters
    }

    private mutating func parseTest(_ value: JinjaExpression) throws(ChatTemplateError) -> JinjaExpression {
        let position = current.position
        advance()
        let negated = skip(name: "not")
        var name = try expectName()
        while skip(op: ".") { name += "." + (try expectName()) }
        guard JinjaPredicates.names.contains(name) else {
            throw ChatTemplateError(.unsupported, "no test named '\(name)'", at: position)
        }
        var arguments = JinjaArguments()
        if current.isOp("(") {
            arguments = try parseCallArguments()
        } else if startsTestArgument {
            if current.isName("is") {
                throw ChatTemplateError(.syntax, "you cannot chain multiple tests with is", at: current.position)
            }
            arguments.positional = [try parsePostfix(try parsePrimary())]
        }
        return .test(value, name: name, arguments, negated: negated, position)
    }

    /// Whether the token after a test name starts its single unparenthesised argument (`x is sameas false`).
    private var startsTestArgument: Bool {
        switch current.kind {
        case .name(let name): return !["else", "or", "and"].contains(name)
        case .string, .integer, .float: return true
        case .op(let op): return op == "(" || op == "[" || op == "{"
        default: return false
        }
    }
}
