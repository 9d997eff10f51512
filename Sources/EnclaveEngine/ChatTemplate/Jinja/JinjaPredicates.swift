// Enclave: Jinja's tests (`x is defined`, `x is string`, ...).

/// The tests of Jinja 3 (`jinja2/tests.py`) that make sense for chat templates.
enum JinjaPredicates {
    static let names: Set<String> = [
        "defined", "undefined", "none", "boolean", "true", "false", "integer", "float", "number", "string", "mapping",
        "iterable", "sequence", "callable", "sameas", "equalto", "eq", "==", "ne", "!=", "lt", "<", "le", "<=", "gt",
        ">", "ge", ">=", "lessthan", "greaterthan", "in", "odd", "even", "divisibleby", "lower", "upper", "escaped",
        "filter", "test",
    ]

    static func test(
        _ name: String,
        _ value: JinjaValue,
        _ positional: [JinjaValue],
        _ keyword: [(String, JinjaValue)],
        in interpreter: JinjaInterpreter,
        at position: JinjaPosition?
    ) throws(ChatTemplateError) -> Bool {
        func other() throws(ChatTemplateError) -> JinjaValue {
            try JinjaArgumentBinder.bind(name, [("other", nil)], positional, keyword, at: position)[0]
        }
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": if case .none = value { return true } else { return false }
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "number": return value.number != nil
        case "string": if case .string = value { return true } else { return false }
        case "mapping": if case .dict = value { return true } else { return false }
        case "iterable":
            switch value {
            case .undefined, .string, .list, .tuple, .dict: return true
            default: return false
            }
        case "sequence":
            switch value {
            case .undefined, .string, .list, .tuple, .dict: return true
            default: return false
            }
        case "callable": if case .function = value { return true } else { return false }
        case "sameas":
            let other = try other()
            switch (value, other) {
            case (.none, .none): return true
            case (.bool(let a), .bool(let b)): return a == b
            case (.namespace(let a), .namespace(let b)): return a === b
            case (.int(let a), .int(let b)) where (-5...256).contains(a): return a == b
            default: return false
            }
        case "equalto", "eq", "==": return JinjaValue.equal(value, try other())
        case "ne", "!=": return !JinjaValue.equal(value, try other())
        case "lt", "<", "lessthan": return try interpreter.compare(.less, value, try other(), at: position)
        case "le", "<=": return try interpreter.compare(.lessOrEqual, value, try other(), at: position)
        case "gt", ">", "greaterthan": return try interpreter.compare(.greater, value, try other(), at: position)
        case "ge", ">=": return try interpreter.compare(.greaterOrEqual, value, try other(), at: position)
        case "in":
            let sequence = try JinjaArgumentBinder.bind(name, [("seq", nil)], positional, keyword, at: position)[0]
            return try interpreter.contains(sequence, value, at: position)
        case "odd", "even":
            guard case .int(let integer)? = value.number else {
                if value.isUndefined { throw JinjaValue.undefinedError(value, at: position) }
                throw ChatTemplateError(.runtime, "'\(name)' needs an integer, not \(value.typeName)", at: position)
            }
            return (integer & 1 == 1) == (name == "odd")
        case "divisibleby":
            let divisor = try JinjaArgumentBinder.bind(name, [("num", nil)], positional, keyword, at: position)[0]
            let remainder = try JinjaArithmetic.apply(.modulo, value, divisor, at: position ?? JinjaPosition(line: 0, column: 0))
            return JinjaValue.equal(remainder, .int(0))
        case "lower", "upper":
            guard case .string(let text) = value else { return false }
            let cased = text.unicodeScalars.filter(JinjaStrings.isCased)
            guard !cased.isEmpty else { return false }
            return name == "lower" ? text.lowercased() == text : text.uppercased() == text
        case "escaped":
            return false
        case "filter":
            guard case .string(let text) = value else { return false }
            return JinjaFilters.names.contains(text)
        case "test":
            guard case .string(let text) = value else { return false }
            return names.contains(text)
        default:
            throw ChatTemplateError(.unsupported, "no test named '\(name)'", at: position)
        }
    }
}
