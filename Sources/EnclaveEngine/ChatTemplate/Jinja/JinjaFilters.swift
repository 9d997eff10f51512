// Enclave: Jinja's filters (`| trim`, `| tojson`, `| selectattr(...)`, ...).

/// The filters of Jinja 3 (`jinja2/filters.py`) that chat templates use, with Hugging Face's `tojson`.
enum JinjaFilters {
    static let names: Set<String> = [
        "abs", "attr", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "float", "indent",
        "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
        "replace", "reverse", "round", "safe", "select", "selectattr", "sort", "string", "sum", "title", "tojson", "trim",
        "unique", "upper", "wordcount",
    ]

    static func apply(
        _ filter: JinjaFilterCall,
        to value: JinjaValue,
        in interpreter: JinjaInterpreter
    )
        throws(ChatTemplateError) -> JinjaValue
    {
        let (positional, keyword) = try interpreter.evaluate(filter.arguments)
        return try apply(filter.name, to: value, positional, keyword, in: interpreter, at: filter.position)
    }

    static func apply(
        _ name: String,
        to value: JinjaValue,
        _ positional: [JinjaValue],
        _ keyword: [(String, JinjaValue)],
        in interpreter: JinjaInterpreter,
        at position: JinjaPosition
    ) throws(ChatTemplateError) -> JinjaValue {
        func bind(_ parameters: [(String, JinjaValue?)]) throws(ChatTemplateError) -> [JinjaValue] {
            try JinjaArgumentBinder.bind(name, parameters, positional, keyword, at: position)
        }
        switch name {
        case "abs":
            _ = try bind([])
            switch value {
            case .int(let integer) where integer != .min: return .int(abs(integer))
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .double(let number): return .double(abs(number))
            default: throw ChatTemplateError(.runtime, "bad operand type for abs(): '\(value.typeName)'", at: position)
            }
        case "attr":
            let attribute = try bind([("name", nil)])[0].requireString("attribute name", at: position)
            if value.isUndefined { throw JinjaValue.undefinedError(value, at: position) }
            return interpreter.attribute(of: value, attribute)
        case "capitalize":
            _ = try bind([])
            return .string(JinjaStrings.capitalize(value.pythonString))
        case "count", "length":
            _ = try bind([])
            return .int(try value.length(at: position))
        case "d", "default":
            let values = try bind([("default_value", .string("")), ("boolean", .bool(false))])
            if value.isUndefined || (values[1].isTruthy && !value.isTruthy) { return values[0] }
            return value
        case "dictsort":
            let values = try bind([("case_sensitive", .bool(false)), ("by", .string("key")), ("reverse", .bool(false))])
            guard case .dict(let dict) = value else {
                throw ChatTemplateError(.runtime, "dictsort needs a mapping, not \(value.typeName)", at: position)
            }
            let byValue = try values[1].requireString("by", at: position) == "value"
            let pairs = try sorted(
                dict.pairs.map { JinjaValue.tuple([$0.0, $0.1]) },
                reverse: values[2].isTruthy,
                at: position
            ) { (pair) throws(ChatTemplateError) in
                guard case .tuple(let items) = pair else { return pair }
                return sortKey(items[byValue ? 1 : 0], caseSensitive: values[0].isTruthy)
            }
            return .list(pairs)
        case "e", "escape":
            _ = try bind([])
            var out = ""
            for character in value.pythonString.unicodeScalars {
                switch character {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&#34;"
                case "'": out += "&#39;"
                default: out.unicodeScalars.append(character)
                }
            }
            return .string(out)
        case "first", "last":
            _ = try bind([])
            let items = try value.iterate(at: position)
            guard let item = name == "first" ? items.first : items.last else {
                return .undefined(hint: "No \(name) item, sequence was empty.")
            }
            return item
        case "float":
            let fallback = try bind([("default", .double(0))])[0]
            switch value {
            case .double: return value
            case .int(let integer): return .double(Double(integer))
            case .bool(let flag): return .double(flag ? 1 : 0)
            case .string(let text):
                return Double(JinjaStrings.strip(text, nil, leading: true, trailing: true).withoutUnderscores)
                    .map { .double($0) } ?? fallback
            default: return fallback
            }
        case "indent":
            let values = try bind([("width", .int(4)), ("first", .bool(false)), ("blank", .bool(false))])
            let indentation: String
            if case .string(let text) = values[0] {
                indentation = text
            } else {
                indentation = String(repeating: " ", count: max(0, try values[0].requireInt("width", at: position)))
            }
            var lines = JinjaStrings.splitLines(value.pythonString + "\n")
            var result: String
            if values[2].isTruthy {
                result = lines.joined(separator: "\n" + indentation)
            } else {
                result = lines.isEmpty ? "" : lines.removeFirst()
                if !lines.isEmpty {
                    result += "\n" + lines.map { $0.isEmpty ? $0 : indentation + $0 }.joined(separator: "\n")
                }
            }
            return .string(values[1].isTruthy ? indentation + result : result)
        case "int":
            let values = try bind([("default", .int(0)), ("base", .int(10))])
            switch value {
            case .int: return value
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .double(let number):
                guard number.isFinite, abs(number) < 9.2e18 else { return values[0] }
                return .int(Int(number))
            case .string(let text):
                let trimmed = JinjaStrings.strip(text, nil, leading: true, trailing: true).withoutUnderscores
                if let integer = Int(trimmed, radix: try values[1].requireInt("base", at: position)) { return .int(integer) }
                if let number = Double(trimmed), number.isFinite, abs(number) < 9.2e18 { return .int(Int(number)) }
                return values[0]
            default: return values[0]
            }
        case "items":
            _ = try bind([])
            switch value {
            case .undefined: return .list([])
            case .dict(let dict): return .list(dict.pairs.map { .tuple([$0.0, $0.1]) })
            default: throw ChatTemplateError(.runtime, "Can only get item pairs from a mapping.", at: position)
            }
        case "join":
            let values = try bind([("d", .string("")), ("attribute", JinjaValue.none)])
            var items = try value.iterate(at: position)
            if case .none = values[1] {
            } else {
                items = try items.map { (item) throws(ChatTemplateError) in
                    try lookupPath(values[1], in: item, interpreter, at: position)
                }
            }
            return .string(items.map(\.pythonString).joined(separator: values[0].pythonString))
        case "list":
            _ = try bind([])
            return .list(try value.iterate(at: position))
        case "lower":
            _ = try bind([])
            return .string(value.pythonString.lowercased())
        case "upper":
            _ = try bind([])
            return .string(value.pythonString.uppercased())
        case "title":
            _ = try bind([])
            return .string(JinjaStrings.jinjaTitle(value.pythonString))
        case "map":
            return .list(try map(value, positional, keyword, in: interpreter, at: position))
        case "max", "min":
            let values = try bind([("case_sensitive", .bool(false)), ("attribute", JinjaValue.none)])
            let items = try value.iterate(at: position)
            let ordered = try sorted(items, reverse: name == "max", at: position) { (item) throws(ChatTemplateError) in
                let key =
                    if case .none = values[1] { item } else {
                        try lookupPath(values[1], in: item, interpreter, at: position)
                    }
                return sortKey(key, caseSensitive: values[0].isTruthy)
            }
            return ordered.first ?? .undefined(hint: "No aggregated item, sequence was empty.")
        case "reject", "select", "rejectattr", "selectattr":
            return .list(try select(name, value, positional, keyword, in: interpreter, at: position))
        case "replace":
            let values = try bind([("old", nil), ("new", nil), ("count", JinjaValue.none)])
            let count = if case .none = values[2] { -1 } else { try values[2].requireInt("count", at: position) }
            return .string(
                JinjaStrings.replace(value.pythonString, values[0].pythonString, values[1].pythonString, count: count)
            )
        case "reverse":
            _ = try bind([])
            if case .string(let text) = value { return .string(JinjaStrings.string(text.unicodeScalars.reversed())) }
            return .list(try value.iterate(at: position).reversed())
        case "round":
            let values = try bind([("precision", .int(0)), ("method", .string("common"))])
            let precision = try values[0].requireInt("precision", at: position)
            let method = try values[1].requireString("method", at: position)
            guard let number = value.number?.asDouble else {
                throw ChatTemplateError(.runtime, "round needs a number, not \(value.typeName)", at: position)
            }
            let scale = Double.pow10(precision)
            let rule: FloatingPointRoundingRule =
                method == "ceil" ? .up : method == "floor" ? .down : .toNearestOrEven
            guard ["common", "ceil", "floor"].contains(method) else {
                throw ChatTemplateError(.runtime, "method must be common, ceil or floor", at: position)
            }
            return .double((number * scale).rounded(rule) / scale)
        case "safe":
            _ = try bind([])
            return value
        case "sort":
            let values = try bind([("reverse", .bool(false)), ("case_sensitive", .bool(false)), ("attribute", JinjaValue.none)])
            return .list(
                try sorted(try value.iterate(at: position), reverse: values[0].isTruthy, at: position) {
                    (item) throws(ChatTemplateError) in
                    let key =
                        if case .none = values[2] { item } else {
                            try lookupPath(values[2], in: item, interpreter, at: position)
                        }
                    return sortKey(key, caseSensitive: values[1].isTruthy)
                }
            )
        case "string":
            _ = try bind([])
            return .string(value.pythonString)
        case "sum":
            let values = try bind([("attribute", JinjaValue.none), ("start", .int(0))])
            var total = values[1]
            for item in try value.iterate(at: position) {
                let term =
                    if case .none = values[0] { item } else {
                        try lookupPath(values[0], in: item, interpreter, at: position)
                    }
                total = try JinjaArithmetic.apply(.add, total, term, at: position)
            }
            return total
        case "tojson":
            let values = try bind([
                ("ensure_ascii", .bool(false)), ("indent", JinjaValue.none), ("separators", JinjaValue.none), ("sort_keys", .bool(false)),
            ])
            var options = JinjaJSON.Options(ensureASCII: values[0].isTruthy, sortKeys: values[3].isTruthy)
            switch values[1] {
            case .none: break
            case .string(let text): options.indent = text
            default: options.indent = String(repeating: " ", count: max(0, try values[1].requireInt("indent", at: position)))
            }
            if options.indent != nil { options.itemSeparator = "," }
            switch values[2] {
            case .none: break
            case .list(let pair) where pair.count == 2, .tuple(let pair) where pair.count == 2:
                options.itemSeparator = try pair[0].requireString("separator", at: position)
                options.keySeparator = try pair[1].requireString("separator", at: position)
            default:
                throw ChatTemplateError(.runtime, "separators must be a pair of strings", at: position)
            }
            return .string(try JinjaJSON.encode(value, options: options, at: position))
        case "trim":
            let characters = try bind([("chars", JinjaValue.none)])[0].optionalString("trim chars", at: position)
            return .string(JinjaStrings.strip(value.pythonString, characters, leading: true, trailing: true))
        case "unique":
            let values = try bind([("case_sensitive", .bool(false)), ("attribute", JinjaValue.none)])
            var seen: [JinjaValue] = []
            var out: [JinjaValue] = []
            for item in try value.iterate(at: position) {
                let key =
                    if case .none = values[1] { item } else {
                        try lookupPath(values[1], in: item, interpreter, at: position)
                    }
                let normalized = sortKey(key, caseSensitive: values[0].isTruthy)
                if !seen.contains(where: { JinjaValue.equal($0, normalized) }) {
                    seen.append(normalized)
                    out.append(item)
                }
            }
            return .list(out)
        case "wordcount":
            _ = try bind([])
            return .int(JinjaStrings.split(value.pythonString, separator: nil, maxSplit: -1).count)
        default:
            throw ChatTemplateError(.unsupported, "no filter named '\(name)'", at: position)
        }
    }

    /// Lowercases strings unless `caseSensitive`, as Jinja's `ignore_case` does for sorting and uniqueness.
    private static func sortKey(_ value: JinjaValue, caseSensitive: Bool) -> JinjaValue {
        if !caseSensitive, case .string(let text) = value { return .string(text.lowercased()) }
        return value
    }

    /// A stable sort by key with Python ordering (`reverse` keeps equal items in their original order, as Python).
    static func sorted(
        _ items: [JinjaValue],
        reverse: Bool,
        at position: JinjaPosition,
        key: (JinjaValue) throws(ChatTemplateError) -> JinjaValue
    ) throws(ChatTemplateError) -> [JinjaValue] {
        var keyed: [(key: JinjaValue, item: JinjaValue)] = []
        for item in items { keyed.append((try key(item), item)) }
        func before(_ a: JinjaValue, _ b: JinjaValue) throws(ChatTemplateError) -> Bool {
            reverse ? try JinjaValue.less(b, a, "<", at: position) : try JinjaValue.less(a, b, "<", at: position)
        }
        // Merge sort: stable, and the comparison may throw.
        var width = 1
        while width < keyed.count {
            var merged: [(key: JinjaValue, item: JinjaValue)] = []
            merged.reserveCapacity(keyed.count)
            var start = 0
            while start < keyed.count {
                let middle = min(start + width, keyed.count)
                let end = min(start + 2 * width, keyed.count)
                var i = start
                var j = middle
                while i < middle || j < end {
                    var takeLeft = j >= end
                    if !takeLeft, i < middle { takeLeft = !(try before(keyed[j].key, keyed[i].key)) }
                    if takeLeft {
                        merged.append(keyed[i])
                        i += 1
                    } else {
                        merged.append(keyed[j])
                        j += 1
                    }
                }
                start = end
            }
            keyed = merged
            width *= 2
        }
        return keyed.map(\.item)
    }

    /// Jinja's attribute getter for `attribute='a.b.0'` arguments: each dotted part is an item or attribute lookup.
    static func lookupPath(
        _ path: JinjaValue,
        in item: JinjaValue,
        _ interpreter: JinjaInterpreter,
        at position: JinjaPosition
    ) throws(ChatTemplateError) -> JinjaValue {
        let parts: [JinjaValue]
        switch path {
        case .string(let text):
            parts = JinjaStrings.split(text, separator: ".", maxSplit: -1).map { part in Int(part).map { .int($0) } ?? .string(part) }
        default:
            parts = [path]
        }
        var current = item
        for part in parts {
            if current.isUndefined { throw JinjaValue.undefinedError(current, at: position) }
            current = try interpreter.item(of: current, part, at: position)
        }
        return current
    }
}

extension String {
    /// The text without `_` (Python allows `_` between digits of numbers).
    var withoutUnderscores: String { JinjaStrings.string(unicodeScalars.filter { $0 != "_" }) }
}

extension Double {
    /// 10 to an integer power, exactly for the usual precisions.
    static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<min(abs(exponent), 400) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }
}
