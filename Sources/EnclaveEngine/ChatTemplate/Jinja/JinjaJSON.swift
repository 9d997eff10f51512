// Enclave: the `tojson` filter, exactly as Hugging Face overrides it.

/// Python's `json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)`, which is
/// what Hugging Face's `tojson` filter calls (it replaces Jinja's HTML-escaping one). Keys keep their order unless
/// sorted; non-ASCII text is written as is; `indent` may be a number of spaces or a string.
enum JinjaJSON {
    struct Options {
        var ensureASCII = false
        var indent: String? = nil
        var itemSeparator = ", "
        var keySeparator = ": "
        var sortKeys = false
    }

    static func encode(
        _ value: JinjaValue,
        options: Options,
        at position: JinjaPosition?
    ) throws(ChatTemplateError)
        -> String
    {
        var out = ""
        try write(value, options: options, level: 0, into: &out, at: position)
        return out
    }

    private static func write(
        _ value: JinjaValue,
        options: Options,
        level: Int,
        into out: inout String,
        at position: JinjaPosition?
    ) throws(ChatTemplateError) {
        guard level < 200 else { throw ChatTemplateError(.limit, "value nests too deeply for tojson", at: position) }
        switch value {
        case .none: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let integer): out += String(integer)
        case .double(let number):
            if number.isNaN {
                out += "NaN"
            } else if number.isInfinite {
                out += number < 0 ? "-Infinity" : "Infinity"
            } else {
                out += JinjaValue.pythonFloat(number)
            }
        case .string(let text): writeString(text, ensureASCII: options.ensureASCII, into: &out)
        case .list(let items), .tuple(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += options.itemSeparator }
                newline(options, level + 1, into: &out)
                try write(item, options: options, level: level + 1, into: &out, at: position)
            }
            newline(options, level, into: &out)
            out += "]"
        case .dict(let dict):
            guard !dict.isEmpty else {
                out += "{}"
                return
            }
            var pairs: [(String, JinjaValue)] = []
            for (key, item) in dict.pairs { pairs.append((try keyString(key, at: position), item)) }
            if options.sortKeys {
                pairs = pairs.enumerated().sorted { a, b in
                    let order = a.element.0.unicodeScalars.lexicographicallyPrecedes(b.element.0.unicodeScalars) {
                        $0.value < $1.value
                    }
                    let reverse = b.element.0.unicodeScalars.lexicographicallyPrecedes(a.element.0.unicodeScalars) {
                        $0.value < $1.value
                    }
                    return order || (!reverse && a.offset < b.offset)
                }.map(\.element)
            }
            out += "{"
            for (i, (key, item)) in pairs.enumerated() {
                if i > 0 { out += options.itemSeparator }
                newline(options, level + 1, into: &out)
                writeString(key, ensureASCII: options.ensureASCII, into: &out)
                out += options.keySeparator
                try write(item, options: options, level: level + 1, into: &out, at: position)
            }
            newline(options, level, into: &out)
            out += "}"
        default:
            throw ChatTemplateError(.runtime, "Object of type \(value.typeName) is not JSON serializable", at: position)
        }
    }

    private static func newline(_ options: Options, _ level: Int, into out: inout String) {
        guard let indent = options.indent else { return }
        out += "\n"
        out += String(repeating: indent, count: level)
    }

    private static func keyString(_ key: JinjaValue, at position: JinjaPosition?) throws(ChatTemplateError) -> String {
        switch key {
        case .string(let text): return text
        case .int(let integer): return String(integer)
        case .double(let number): return JinjaValue.pythonFloat(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .none: return "null"
        default:
            throw ChatTemplateError(
                .runtime,
                "keys must be str, int, float, bool or None, not \(key.typeName)",
                at: position
            )
        }
    }

    static func writeString(_ text: String, ensureASCII: Bool, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case Unicode.Scalar(8): out += "\\b"
            case Unicode.Scalar(12): out += "\\f"
            default:
                if scalar.value < 0x20 || (ensureASCII && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out += "\\u" + JinjaValue.hex(0xD800 + (v >> 10), width: 4)
                        out += "\\u" + JinjaValue.hex(0xDC00 + (v & 0x3FF), width: 4)
                    } else {
                        out += "\\u" + JinjaValue.hex(scalar.value, width: 4)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
