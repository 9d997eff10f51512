// Enclave: Python methods of str, dict and list that templates call (`content.strip()`, `message.get('x')`).

/// Bound methods for `value.name(...)`. Methods that would change a value (`list.append`, `dict.update`) are refused as
/// Hugging Face's immutable sandbox refuses them.
enum JinjaMethods {
    static let unsafe: Set<String> = [
        "append", "extend", "insert", "pop", "popitem", "remove", "reverse", "sort", "clear", "update", "setdefault",
    ]

    static func method(named name: String, of object: JinjaValue, in interpreter: JinjaInterpreter) -> JinjaValue? {
        let implementation:
            (
                (_ positional: [JinjaValue], _ keyword: [(String, JinjaValue)], _ position: JinjaPosition?)
                    throws(ChatTemplateError) -> JinjaValue
            )?
        switch object {
        case .string(let text): implementation = stringMethod(name, text)
        case .dict(let dict): implementation = dictMethod(name, dict)
        case .list(let items), .tuple(let items): implementation = listMethod(name, items)
        default: return nil
        }
        if let implementation { return .function(JinjaFunction(name: name, call: implementation)) }
        let isMutable: Bool
        switch object {
        case .dict: isMutable = ["pop", "popitem", "clear", "update", "setdefault"].contains(name)
        case .list: isMutable = unsafe.contains(name)
        default: isMutable = false
        }
        if isMutable {
            return .undefined(hint: "access to attribute '\(name)' of '\(object.typeName)' object is unsafe.")
        }
        return nil
    }

    private typealias Method = (_ positional: [JinjaValue], _ keyword: [(String, JinjaValue)], _ position: JinjaPosition?)
        throws(ChatTemplateError) -> JinjaValue

    private static func stringMethod(_ name: String, _ text: String) -> Method? {
        func bind(
            _ parameters: [(String, JinjaValue?)],
            _ positional: [JinjaValue],
            _ keyword: [(String, JinjaValue)],
            _ position: JinjaPosition?
        ) throws(ChatTemplateError) -> [JinjaValue] {
            try JinjaArgumentBinder.bind("str.\(name)", parameters, positional, keyword, at: position)
        }
        switch name {
        case "strip", "lstrip", "rstrip":
            return { positional, keyword, position throws(ChatTemplateError) in
                let characters = try bind([("chars", JinjaValue.none)], positional, keyword, position)[0]
                    .optionalString("strip arg", at: position)
                return .string(
                    JinjaStrings.strip(text, characters, leading: name != "rstrip", trailing: name != "lstrip")
                )
            }
        case "startswith", "endswith":
            return { positional, keyword, position throws(ChatTemplateError) in
                let affix = try bind([("prefix", nil)], positional, keyword, position)[0]
                let candidates: [JinjaValue]
                if case .tuple(let items) = affix { candidates = items } else { candidates = [affix] }
                for candidate in candidates {
                    let part = try candidate.requireString("\(name) argument", at: position)
                    let scalars = Array(text.unicodeScalars)
                    let needle = Array(part.unicodeScalars)
                    let matches =
                        name == "startswith"
                        ? scalars.starts(with: needle)
                        : scalars.reversed().starts(with: needle.reversed())
                    if matches { return .bool(true) }
                }
                return .bool(false)
            }
        case "split", "rsplit":
            return { positional, keyword, position throws(ChatTemplateError) in
                let values = try bind([("sep", JinjaValue.none), ("maxsplit", .int(-1))], positional, keyword, position)
                let separator = try values[0].optionalString("separator", at: position)
                if separator == "" { throw ChatTemplateError(.runtime, "empty separator", at: position) }
                let maxSplit = try values[1].requireInt("maxsplit", at: position)
                if name == "rsplit", maxSplit >= 0 {
                    let reversedText = String(String.UnicodeScalarView(text.unicodeScalars.reversed()))
                    let reversedSeparator = separator.map { String(String.UnicodeScalarView($0.unicodeScalars.reversed())) }
                    let parts = JinjaStrings.split(reversedText, separator: reversedSeparator, maxSplit: maxSplit)
                    return .list(parts.reversed().map { .string(String(String.UnicodeScalarView($0.unicodeScalars.reversed()))) })
                }
                return .list(JinjaStrings.split(text, separator: separator, maxSplit: maxSplit).map { .string($0) })
            }
        case "splitlines":
            return { _, _, _ throws(ChatTemplateError) in .list(JinjaStrings.splitLines(text).map { .string($0) }) }
        case "upper": return { _, _, _ throws(ChatTemplateError) in .string(text.uppercased()) }
        case "lower": return { _, _, _ throws(ChatTemplateError) in .string(text.lowercased()) }
        case "title": return { _, _, _ throws(ChatTemplateError) in .string(JinjaStrings.title(text)) }
        case "capitalize": return { _, _, _ throws(ChatTemplateError) in .string(JinjaStrings.capitalize(text)) }
        case "replace":
            return { positional, keyword, position throws(ChatTemplateError) in
                let values = try bind([("old", nil), ("new", nil), ("count", .int(-1))], positional, keyword, position)
                return .string(
                    JinjaStrings.replace(
                        text,
                        try values[0].requireString("replace() argument 1", at: position),
                        try values[1].requireString("replace() argument 2", at: position),
                        count: try values[2].requireInt("count", at: position)
                    )
                )
            }
        case "find", "rfind", "count":
            return { positional, keyword, position throws(ChatTemplateError) in
                let part = try bind([("sub", nil)], positional, keyword, position)[0]
                    .requireString("\(name)() argument", at: position)
                if name == "count" { return .int(JinjaStrings.count(text, part)) }
                return .int(JinjaStrings.find(text, part, last: name == "rfind"))
            }
        case "join":
            return { positional, keyword, position throws(ChatTemplateError) in
                let items = try bind([("iterable", nil)], positional, keyword, position)[0].iterate(at: position)
                var parts: [String] = []
                for item in items { parts.append(try item.requireString("sequence item", at: position)) }
                return .string(parts.joined(separator: text))
            }
        case "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper":
            return { _, _, _ throws(ChatTemplateError) in
                let scalars = Array(text.unicodeScalars)
                switch name {
                case "isdigit":
                    return .bool(!scalars.isEmpty && scalars.allSatisfy { $0.properties.numericType != nil && $0.properties.numericType != .numeric })
                case "isalpha": return .bool(!scalars.isEmpty && scalars.allSatisfy { $0.properties.isAlphabetic })
                case "isalnum":
                    return .bool(!scalars.isEmpty && scalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil })
                case "isspace": return .bool(!scalars.isEmpty && scalars.allSatisfy(\.isPythonWhitespace))
                case "islower":
                    let cased = scalars.filter(JinjaStrings.isCased)
                    return .bool(
                        !cased.isEmpty && cased.allSatisfy { !$0.properties.isUppercase && $0.properties.generalCategory != .titlecaseLetter }
                    )
                default:
                    let cased = scalars.filter(JinjaStrings.isCased)
                    return .bool(
                        !cased.isEmpty && cased.allSatisfy { !$0.properties.isLowercase && $0.properties.generalCategory != .titlecaseLetter }
                    )
                }
            }
        default:
            return nil
        }
    }

    private static func dictMethod(_ name: String, _ dict: JinjaDict) -> Method? {
        switch name {
        case "items": return { _, _, _ throws(ChatTemplateError) in .list(dict.pairs.map { .tuple([$0.0, $0.1]) }) }
        case "keys": return { _, _, _ throws(ChatTemplateError) in .list(dict.keys) }
        case "values": return { _, _, _ throws(ChatTemplateError) in .list(dict.values) }
        case "copy": return { _, _, _ throws(ChatTemplateError) in .dict(dict) }
        case "get":
            return { positional, keyword, position throws(ChatTemplateError) in
                let values = try JinjaArgumentBinder.bind(
                    "dict.get",
                    [("key", nil), ("default", JinjaValue.none)],
                    positional,
                    keyword,
                    at: position
                )
                return dict[values[0]] ?? values[1]
            }
        default: return nil
        }
    }

    private static func listMethod(_ name: String, _ items: [JinjaValue]) -> Method? {
        switch name {
        case "count":
            return { positional, keyword, position throws(ChatTemplateError) in
                let value = try JinjaArgumentBinder.bind("list.count", [("value", nil)], positional, keyword, at: position)[0]
                return .int(items.filter { JinjaValue.equal($0, value) }.count)
            }
        case "index":
            return { positional, keyword, position throws(ChatTemplateError) in
                let value = try JinjaArgumentBinder.bind("list.index", [("value", nil)], positional, keyword, at: position)[0]
                guard let index = items.firstIndex(where: { JinjaValue.equal($0, value) }) else {
                    throw ChatTemplateError(.runtime, "\(value.pythonRepr) is not in list", at: position)
                }
                return .int(index)
            }
        default: return nil
        }
    }
}
