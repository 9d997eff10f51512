// Enclave: Python's equality, ordering, str() and repr() for template values.

extension JinjaValue {
    /// Python `==`: numbers compare across int/float/bool, sequences and dicts compare by content.
    static func equal(_ a: JinjaValue, _ b: JinjaValue) -> Bool {
        if let x = a.number, let y = b.number {
            switch (x, y) {
            case (.int(let l), .int(let r)): return l == r
            default: return x.asDouble == y.asDouble
            }
        }
        switch (a, b) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let l), .string(let r)): return l.unicodeScalars.elementsEqual(r.unicodeScalars)
        case (.list(let l), .list(let r)), (.tuple(let l), .tuple(let r)):
            return l.count == r.count && zip(l, r).allSatisfy { equal($0, $1) }
        case (.dict(let l), .dict(let r)):
            guard l.count == r.count else { return false }
            for (key, value) in l.pairs {
                guard let other = r[key], equal(value, other) else { return false }
            }
            return true
        case (.namespace(let l), .namespace(let r)): return l === r
        case (.loop(let l), .loop(let r)): return l === r
        default: return false
        }
    }

    /// Python ordering (`<`): numbers, strings by code point, sequences lexicographically; otherwise a TypeError.
    static func less(
        _ a: JinjaValue,
        _ b: JinjaValue,
        _ symbol: String,
        at position: JinjaPosition?
    )
        throws(ChatTemplateError) -> Bool
    {
        if let x = a.number, let y = b.number {
            if case .int(let l) = x, case .int(let r) = y { return l < r }
            return x.asDouble < y.asDouble
        }
        switch (a, b) {
        case (.string(let l), .string(let r)):
            return l.unicodeScalars.lexicographicallyPrecedes(r.unicodeScalars) { $0.value < $1.value }
        case (.list(let l), .list(let r)), (.tuple(let l), .tuple(let r)):
            for (x, y) in zip(l, r) where !equal(x, y) { return try less(x, y, symbol, at: position) }
            return l.count < r.count
        default:
            if a.isUndefined || b.isUndefined { throw undefinedError(a.isUndefined ? a : b, at: position) }
            throw ChatTemplateError(
                .runtime,
                "'\(symbol)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'",
                at: position
            )
        }
    }

    /// The error for using an undefined value as an object.
    static func undefinedError(_ value: JinjaValue, at position: JinjaPosition?) -> ChatTemplateError {
        if case .undefined(let hint) = value { return ChatTemplateError(.runtime, hint, at: position) }
        return ChatTemplateError(.runtime, "value is undefined", at: position)
    }

    /// Python's `str()`, which is what `{{ value }}` and `~` print. Undefined prints as the empty string.
    var pythonString: String {
        switch self {
        case .undefined: return ""
        case .string(let text): return text
        default: return pythonRepr
        }
    }

    /// Python's `repr()`, used for values inside printed lists and dicts.
    var pythonRepr: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .double(let value): return Self.pythonFloat(value)
        case .string(let text): return Self.pythonStringRepr(text)
        case .list(let items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .tuple(let items):
            if items.count == 1 { return "(" + items[0].pythonRepr + ",)" }
            return "(" + items.map(\.pythonRepr).joined(separator: ", ") + ")"
        case .dict(let dict):
            return "{" + dict.pairs.map { "\($0.0.pythonRepr): \($0.1.pythonRepr)" }.joined(separator: ", ") + "}"
        case .namespace(let namespace): return "<Namespace \(JinjaValue.dict(namespace.attributes).pythonRepr)>"
        case .function(let function): return "<built-in function \(function.name)>"
        case .loop(let loop): return "<LoopContext \(loop.index0 + 1)/\(loop.items.count)>"
        }
    }

    /// Python's `repr(float)`: the shortest round-trip digits, in exponent form below 1e-4 and from 1e16 on.
    /// Swift's `description` uses the same algorithm and thresholds.
    static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }

    /// Python's `repr(str)`: single quotes unless the text has `'` and no `"`; non-printable characters escaped.
    static func pythonStringRepr(_ text: String) -> String {
        let quote: Unicode.Scalar = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String.UnicodeScalarView()
        out.append(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case quote:
                out.append("\\")
                out.append(quote)
            default:
                if scalar.isPythonPrintable {
                    out.append(scalar)
                } else if scalar.value < 0x100 {
                    out.append(contentsOf: ("\\x" + hex(scalar.value, width: 2)).unicodeScalars)
                } else if scalar.value < 0x10000 {
                    out.append(contentsOf: ("\\u" + hex(scalar.value, width: 4)).unicodeScalars)
                } else {
                    out.append(contentsOf: ("\\U" + hex(scalar.value, width: 8)).unicodeScalars)
                }
            }
        }
        out.append(quote)
        return String(out)
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension Unicode.Scalar {
    /// Python's `str.isprintable()` for one character: everything but control, format, surrogate, private-use,
    /// unassigned and separator characters, except the ASCII space.
    var isPythonPrintable: Bool {
        if self == " " { return true }
        switch properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
            .spaceSeparator:
            return false
        default:
            return true
        }
    }
}
