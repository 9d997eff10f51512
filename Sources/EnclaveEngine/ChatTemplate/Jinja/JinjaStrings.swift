// Enclave: Python string operations on Unicode code points, and argument binding for built-ins.

/// Python `str` methods that templates use, implemented on Unicode scalars (Python's code points).
enum JinjaStrings {
    static func strip(_ text: String, _ characters: String?, leading: Bool, trailing: Bool) -> String {
        let scalars = Array(text.unicodeScalars)
        let set = characters.map { Set($0.unicodeScalars) }
        func remove(_ scalar: Unicode.Scalar) -> Bool { set.map { $0.contains(scalar) } ?? scalar.isPythonWhitespace }
        var start = 0
        var end = scalars.count
        if leading { while start < end, remove(scalars[start]) { start += 1 } }
        if trailing { while end > start, remove(scalars[end - 1]) { end -= 1 } }
        return string(scalars[start..<end])
    }

    static func string(_ scalars: some Sequence<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// `str.split(sep=None, maxsplit=-1)`.
    static func split(_ text: String, separator: String?, maxSplit: Int) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var parts: [String] = []
        guard let separator else {
            var i = 0
            var splits = 0
            while i < scalars.count {
                while i < scalars.count, scalars[i].isPythonWhitespace { i += 1 }
                guard i < scalars.count else { break }
                if maxSplit >= 0, splits >= maxSplit {
                    var end = scalars.count
                    while end > i, scalars[end - 1].isPythonWhitespace { end -= 1 }
                    parts.append(string(scalars[i..<end]))
                    return parts
                }
                let start = i
                while i < scalars.count, !scalars[i].isPythonWhitespace { i += 1 }
                parts.append(string(scalars[start..<i]))
                splits += 1
            }
            return parts
        }
        let needle = Array(separator.unicodeScalars)
        var start = 0
        var i = 0
        while i + needle.count <= scalars.count, maxSplit < 0 || parts.count < maxSplit {
            if scalars[i..<i + needle.count].elementsEqual(needle) {
                parts.append(string(scalars[start..<i]))
                i += needle.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(string(scalars[start...]))
        return parts
    }

    /// `str.splitlines()`: splits on the line boundaries Python recognises and drops the line endings.
    static func splitLines(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var lines: [String] = []
        var start = 0
        var i = 0
        while i < scalars.count {
            let value = scalars[i].value
            if [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029].contains(value) {
                lines.append(string(scalars[start..<i]))
                if value == 0x0D, i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                start = i + 1
            }
            i += 1
        }
        if start < scalars.count { lines.append(string(scalars[start...])) }
        return lines
    }

    static func isCased(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isLowercase || scalar.properties.isUppercase || scalar.properties.generalCategory == .titlecaseLetter
    }

    /// `str.title()`: the first cased character after an uncased one becomes titlecase, the others lowercase.
    static func title(_ text: String) -> String {
        var out = ""
        var previousCased = false
        for scalar in text.unicodeScalars {
            if isCased(scalar) {
                out += previousCased ? scalar.properties.lowercaseMapping : scalar.properties.titlecaseMapping
                previousCased = true
            } else {
                out.unicodeScalars.append(scalar)
                previousCased = false
            }
        }
        return out
    }

    /// `str.capitalize()`: the first character in titlecase, the rest lowercase.
    static func capitalize(_ text: String) -> String {
        var scalars = text.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return "" }
        var rest = String.UnicodeScalarView()
        while let scalar = scalars.next() { rest.append(scalar) }
        return first.properties.titlecaseMapping + String(rest).lowercased()
    }

    /// Jinja's `title` filter: words start after whitespace or `-([{<`, and each word is first-upper, rest lower.
    static func jinjaTitle(_ text: String) -> String {
        var out = ""
        var atWordStart = true
        for scalar in text.unicodeScalars {
            let isBoundary = scalar.isPythonWhitespace || "-([{<".unicodeScalars.contains(scalar)
            if isBoundary {
                out.unicodeScalars.append(scalar)
                atWordStart = true
            } else if atWordStart {
                out += scalar.properties.uppercaseMapping
                atWordStart = false
            } else {
                out += scalar.properties.lowercaseMapping
            }
        }
        return out
    }

    /// `str.find(sub)` in code points, or -1.
    static func find(_ text: String, _ part: String, last: Bool) -> Int {
        let scalars = Array(text.unicodeScalars)
        let needle = Array(part.unicodeScalars)
        guard needle.count <= scalars.count else { return -1 }
        let positions = Array(0...(scalars.count - needle.count))
        for i in last ? positions.reversed() : positions where scalars[i..<i + needle.count].elementsEqual(needle) {
            return i
        }
        return -1
    }

    /// `str.count(sub)`: non-overlapping occurrences.
    static func count(_ text: String, _ part: String) -> Int {
        let scalars = Array(text.unicodeScalars)
        let needle = Array(part.unicodeScalars)
        if needle.isEmpty { return scalars.count + 1 }
        var count = 0
        var i = 0
        while i + needle.count <= scalars.count {
            if scalars[i..<i + needle.count].elementsEqual(needle) {
                count += 1
                i += needle.count
            } else {
                i += 1
            }
        }
        return count
    }

    /// `str.replace(old, new, count=-1)`.
    static func replace(_ text: String, _ old: String, _ new: String, count: Int) -> String {
        if old.isEmpty {
            var remaining = count < 0 ? Int.max : count
            var out = ""
            if remaining > 0 {
                out += new
                remaining -= 1
            }
            for scalar in text.unicodeScalars {
                out.unicodeScalars.append(scalar)
                if remaining > 0 {
                    out += new
                    remaining -= 1
                }
            }
            return out
        }
        let pieces = split(text, separator: old, maxSplit: count)
        return pieces.joined(separator: new)
    }
}

/// Binds call arguments to a built-in's parameters, as Python does.
enum JinjaArgumentBinder {
    /// Each parameter is a name and a default (nil: required). Returns the values in parameter order.
    static func bind(
        _ function: String,
        _ parameters: [(String, JinjaValue?)],
        _ positional: [JinjaValue],
        _ keyword: [(String, JinjaValue)],
        at position: JinjaPosition?
    ) throws(ChatTemplateError) -> [JinjaValue] {
        guard positional.count <= parameters.count else {
            throw ChatTemplateError(
                .runtime,
                "\(function)() takes at most \(parameters.count) arguments (\(positional.count) given)",
                at: position
            )
        }
        var values: [JinjaValue?] = parameters.map { _ in nil }
        for (i, value) in positional.enumerated() { values[i] = value }
        for (name, value) in keyword {
            guard let i = parameters.firstIndex(where: { $0.0 == name }) else {
                throw ChatTemplateError(.runtime, "\(function)() got an unexpected keyword argument '\(name)'", at: position)
            }
            guard values[i] == nil else {
                throw ChatTemplateError(.runtime, "\(function)() got multiple values for argument '\(name)'", at: position)
            }
            values[i] = value
        }
        var bound: [JinjaValue] = []
        for (i, parameter) in parameters.enumerated() {
            guard let value = values[i] ?? parameter.1 else {
                throw ChatTemplateError(
                    .runtime,
                    "\(function)() missing required argument '\(parameter.0)'",
                    at: position
                )
            }
            bound.append(value)
        }
        return bound
    }
}

extension JinjaValue {
    /// The string inside, or nil for `None`; other types are an error.
    func optionalString(_ what: String, at position: JinjaPosition?) throws(ChatTemplateError) -> String? {
        switch self {
        case .none: return nil
        case .string(let text): return text
        default: throw ChatTemplateError(.runtime, "\(what) must be str or None, not \(typeName)", at: position)
        }
    }

    func requireString(_ what: String, at position: JinjaPosition?) throws(ChatTemplateError) -> String {
        guard case .string(let text) = self else {
            throw ChatTemplateError(.runtime, "\(what) must be str, not \(typeName)", at: position)
        }
        return text
    }

    func requireInt(_ what: String, at position: JinjaPosition?) throws(ChatTemplateError) -> Int {
        guard case .int(let value)? = number else {
            throw ChatTemplateError(.runtime, "\(what) must be an integer, not \(typeName)", at: position)
        }
        return value
    }
}
