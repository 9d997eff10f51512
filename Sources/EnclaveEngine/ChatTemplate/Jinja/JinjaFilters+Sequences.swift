// Enclave: the `map`, `select`, `reject`, `selectattr` and `rejectattr` filters.

extension JinjaFilters {
    /// `map(attribute='x', default=...)` or `map('filter', args...)`.
    static func map(
        _ value: JinjaValue,
        _ positional: [JinjaValue],
        _ keyword: [(String, JinjaValue)],
        in interpreter: JinjaInterpreter,
        at position: JinjaPosition
    ) throws(ChatTemplateError) -> [JinjaValue] {
        let items = try value.iterate(at: position)
        if positional.isEmpty, let attribute = keyword.first(where: { $0.0 == "attribute" })?.1 {
            let fallback = keyword.first(where: { $0.0 == "default" })?.1
            if let unknown = keyword.first(where: { $0.0 != "attribute" && $0.0 != "default" }) {
                throw ChatTemplateError(.runtime, "Unexpected keyword argument '\(unknown.0)'", at: position)
            }
            return try items.map { (item) throws(ChatTemplateError) in
                let mapped = try lookupPath(attribute, in: item, interpreter, at: position)
                if mapped.isUndefined, let fallback { return fallback }
                return mapped
            }
        }
        guard let first = positional.first, case .string(let filter) = first else {
            throw ChatTemplateError(.runtime, "map requires a filter name or attribute=", at: position)
        }
        guard names.contains(filter) else {
            throw ChatTemplateError(.unsupported, "no filter named '\(filter)'", at: position)
        }
        let arguments = Array(positional.dropFirst())
        return try items.map { (item) throws(ChatTemplateError) in
            try apply(filter, to: item, arguments, keyword, in: interpreter, at: position)
        }
    }

    /// `select('test', args...)`, `reject(...)`, `selectattr('attr', 'test', args...)`, `rejectattr(...)`.
    /// Without a test name, items are kept by truthiness.
    static func select(
        _ name: String,
        _ value: JinjaValue,
        _ positional: [JinjaValue],
        _ keyword: [(String, JinjaValue)],
        in interpreter: JinjaInterpreter,
        at position: JinjaPosition
    ) throws(ChatTemplateError) -> [JinjaValue] {
        let byAttribute = name.hasSuffix("attr")
        let keep = name.hasPrefix("select")
        var arguments = positional
        var attribute: JinjaValue? = nil
        if byAttribute {
            guard !arguments.isEmpty else {
                throw ChatTemplateError(.runtime, "\(name) requires an attribute name", at: position)
            }
            attribute = arguments.removeFirst()
        }
        var test: String? = nil
        if !arguments.isEmpty {
            test = try arguments.removeFirst().requireString("test name", at: position)
            guard JinjaPredicates.names.contains(test!) else {
                throw ChatTemplateError(.unsupported, "no test named '\(test!)'", at: position)
            }
        }
        var out: [JinjaValue] = []
        for item in try value.iterate(at: position) {
            let subject: JinjaValue
            if let attribute {
                subject = try lookupPath(attribute, in: item, interpreter, at: position)
            } else {
                subject = item
            }
            let passes: Bool
            if let test {
                passes = try JinjaPredicates.test(test, subject, arguments, keyword, in: interpreter, at: position)
            } else {
                passes = subject.isTruthy
            }
            if passes == keep { out.append(item) }
        }
        return out
    }
}
