// Enclave: the Jinja lexer, with Hugging Face's whitespace settings.

/// Splits a template into tokens exactly as Jinja 3 does for Hugging Face chat templates, which are compiled with
/// `trim_blocks=True`, `lstrip_blocks=True` and the default `keep_trailing_newline=False`:
///
/// * Line endings are normalised to `\n`, and one trailing newline of the source is dropped.
/// * `{%-`, `{{-`, `{#-` strip all whitespace before the tag; `-%}`, `-}}`, `-#}` strip all whitespace after it.
/// * trim_blocks: the first newline right after a block tag `%}` or a comment `#}` is removed (`+%}` keeps it).
/// * lstrip_blocks: spaces and tabs from the start of a line up to a block tag or comment are removed (`{%+` keeps
///   them); print tags `{{` are never lstripped.
/// * A tag's end is recognised only when its brackets are balanced, so `{{ {'a': {'b': 1}} }}` works.
struct JinjaLexer {
    private let source: [Unicode.Scalar]
    private let lineStarts: [Int]
    private var index = 0
    private var tokens: [JinjaToken] = []
    /// Whether the text matched last ended with a newline (Jinja's `line_starting`), for lstrip_blocks.
    private var lineStarting = true
    private var brackets: [(Unicode.Scalar, Int)] = []

    init(source text: String) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            scalars.append(scalar)
        }
        if scalars.last == "\n" { scalars.removeLast() }
        source = scalars
        var starts = [0]
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(offset + 1) }
        lineStarts = starts
    }

    /// Tokenises the whole source; the last token is `.end`.
    mutating func tokenize() throws(ChatTemplateError) -> [JinjaToken] {
        while index < source.count {
            guard let (tagStart, opener) = nextTag(from: index) else {
                appendText(index, source.count)
                index = source.count
                break
            }
            var textEnd = tagStart
            var cursor = tagStart + 2
            var sign: Unicode.Scalar? = nil
            if cursor < source.count, source[cursor] == "-" || source[cursor] == "+" {
                sign = source[cursor]
                cursor += 1
            }
            let raw = opener == "%" ? rawBlockEnd(after: cursor) : nil
            if sign == "-" {
                textEnd = strippedEnd(from: index, to: textEnd)
            } else if sign != "+" && opener != "{" {
                textEnd = lstrippedEnd(from: index, to: textEnd)
            }
            appendText(index, textEnd)
            if let raw {
                try lexRaw(startingAt: raw)
            } else if opener == "#" {
                try lexComment(from: cursor, tagStart: tagStart)
            } else {
                tokens.append(JinjaToken(kind: opener == "{" ? .variableBegin : .blockBegin, position: position(tagStart)))
                index = cursor
                try lexTag(isBlock: opener == "%", tagStart: tagStart)
            }
        }
        tokens.append(JinjaToken(kind: .end, position: position(source.count)))
        return tokens
    }

    // MARK: - Text and whitespace control

    private func nextTag(from start: Int) -> (Int, Unicode.Scalar)? {
        var i = start
        while i + 1 < source.count {
            if source[i] == "{" {
                let next = source[i + 1]
                if next == "{" || next == "%" || next == "#" { return (i, next) }
            }
            i += 1
        }
        return nil
    }

    private mutating func appendText(_ start: Int, _ end: Int) {
        guard start < end else { return }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: source[start..<end])
        tokens.append(JinjaToken(kind: .text(String(text)), position: position(start)))
    }

    /// The end of the text once trailing whitespace is removed (`{%-`).
    private func strippedEnd(from start: Int, to end: Int) -> Int {
        var cut = end
        while cut > start, source[cut - 1].isPythonWhitespace { cut -= 1 }
        return cut
    }

    /// The end of the text once lstrip_blocks has removed the indentation before a block tag.
    private func lstrippedEnd(from start: Int, to end: Int) -> Int {
        var lineStart = end
        while lineStart > start, source[lineStart - 1] != "\n" { lineStart -= 1 }
        guard lineStart > start || lineStarting else { return end }
        guard lineStart < end else { return end }
        for i in lineStart..<end where !source[i].isPythonWhitespace { return end }
        return lineStart
    }

    private func matches(_ literal: String, at offset: Int) -> Bool {
        var i = offset
        for scalar in literal.unicodeScalars {
            guard i < source.count, source[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    private func skipWhitespace(from offset: Int) -> Int {
        var i = offset
        while i < source.count, source[i].isPythonWhitespace { i += 1 }
        return i
    }

    /// Consumes a tag end (`%}`, `-%}`, `+%}`, `}}`, `-}}`) at `offset` if there is one; returns the index after it.
    private mutating func tagEnd(at offset: Int, isBlock: Bool) -> Int? {
        let close = isBlock ? "%}" : "}}"
        var end: Int
        if matches("-" + close, at: offset) {
            end = skipWhitespace(from: offset + 3)
        } else if isBlock && matches("+" + close, at: offset) {
            end = offset + 3
        } else if matches(close, at: offset) {
            end = offset + 2
            if isBlock, end < source.count, source[end] == "\n" { end += 1 }
        } else {
            return nil
        }
        lineStarting = source[end - 1] == "\n"
        return end
    }

    // MARK: - Comments and raw blocks

    private mutating func lexComment(from start: Int, tagStart: Int) throws(ChatTemplateError) {
        var i = start
        while i < source.count {
            if matches("+#}", at: i) {
                index = i + 3
            } else if matches("-#}", at: i) {
                index = skipWhitespace(from: i + 3)
            } else if matches("#}", at: i) {
                index = i + 2
                if index < source.count, source[index] == "\n" { index += 1 }
            } else {
                i += 1
                continue
            }
            lineStarting = source[index - 1] == "\n"
            return
        }
        throw ChatTemplateError(.syntax, "missing end of comment tag", at: position(tagStart))
    }

    /// If the block tag starting at `offset` (after `{%` and its sign) is `raw`, the index just after its `%}`.
    private func rawBlockEnd(after offset: Int) -> Int? {
        var i = skipWhitespace(from: offset)
        guard matches("raw", at: i) else { return nil }
        i = skipWhitespace(from: i + 3)
        if matches("-%}", at: i) { return skipWhitespace(from: i + 3) }
        if matches("%}", at: i) { return i + 2 }
        return nil
    }

    private mutating func lexRaw(startingAt start: Int) throws(ChatTemplateError) {
        lineStarting = source[start - 1] == "\n"
        var i = start
        while i + 1 < source.count {
            if source[i] == "{", source[i + 1] == "%" {
                var j = i + 2
                var sign: Unicode.Scalar? = nil
                if j < source.count, source[j] == "-" || source[j] == "+" {
                    sign = source[j]
                    j += 1
                }
                j = skipWhitespace(from: j)
                if matches("endraw", at: j) {
                    j = skipWhitespace(from: j + 6)
                    if let end = tagEnd(at: j, isBlock: true) {
                        var textEnd = i
                        if sign == "-" {
                            textEnd = strippedEnd(from: start, to: i)
                        } else if sign != "+" {
                            textEnd = lstrippedEnd(from: start, to: i)
                        }
                        appendText(start, textEnd)
                        index = end
                        return
                    }
                }
            }
            i += 1
        }
        throw ChatTemplateError(.syntax, "missing end of raw directive", at: position(start))
    }

    // MARK: - Tags

    private mutating func lexTag(isBlock: Bool, tagStart: Int) throws(ChatTemplateError) {
        brackets.removeAll()
        while true {
            index = skipWhitespace(from: index)
            if brackets.isEmpty, let end = tagEnd(at: index, isBlock: isBlock) {
                tokens.append(JinjaToken(kind: isBlock ? .blockEnd : .variableEnd, position: position(index)))
                index = end
                return
            }
            guard index < source.count else {
                let what = isBlock ? "end of statement block" : "end of print statement"
                throw ChatTemplateError(.syntax, "unexpected end of template, expected \(what)", at: position(tagStart))
            }
            try lexExpressionToken()
        }
    }

    private mutating func lexExpressionToken() throws(ChatTemplateError) {
        let start = index
        let scalar = source[index]
        let at = position(start)
        if scalar.isASCIIDigit {
            let afterDot = tokens.last.map { $0.isOp(".") } ?? false
            tokens.append(JinjaToken(kind: try lexNumber(allowFloat: !afterDot), position: at))
        } else if scalar == "_" || scalar.properties.isAlphabetic {
            while index < source.count, source[index] == "_" || source[index].properties.isAlphabetic
                || source[index].isASCIIDigit || source[index].properties.numericType == .decimal
            {
                index += 1
            }
            tokens.append(JinjaToken(kind: .name(string(start, index)), position: at))
        } else if scalar == "'" || scalar == "\"" {
            tokens.append(JinjaToken(kind: .string(try lexString(quote: scalar)), position: at))
        } else {
            tokens.append(JinjaToken(kind: .op(try lexOperator()), position: at))
        }
    }

    private mutating func lexOperator() throws(ChatTemplateError) -> String {
        let at = position(index)
        for two in ["//", "**", "==", "!=", "<=", ">="] where matches(two, at: index) {
            index += 2
            return two
        }
        let scalar = source[index]
        guard "+-/*%~[](){}<>=.:|,".unicodeScalars.contains(scalar) else {
            throw ChatTemplateError(.syntax, "unexpected char '\(Character(scalar))'", at: at)
        }
        index += 1
        switch scalar {
        case "(", "[", "{":
            brackets.append((scalar, index - 1))
        case ")", "]", "}":
            let expected: Unicode.Scalar = scalar == ")" ? "(" : scalar == "]" ? "[" : "{"
            guard let open = brackets.popLast() else {
                throw ChatTemplateError(.syntax, "unexpected '\(Character(scalar))'", at: at)
            }
            guard open.0 == expected else {
                throw ChatTemplateError(
                    .syntax, "unexpected '\(Character(scalar))', expected closing bracket for '\(Character(open.0))'",
                    at: at)
            }
        default:
            break
        }
        return String(Character(scalar))
    }

    private mutating func lexNumber(allowFloat: Bool) throws(ChatTemplateError) -> JinjaToken.Kind {
        let start = index
        let at = position(start)
        func digits(_ valid: (Unicode.Scalar) -> Bool) {
            while index < source.count, valid(source[index]) || (source[index] == "_" && index + 1 < source.count
                && valid(source[index + 1]))
            {
                index += 1
            }
        }
        if source[index] == "0", index + 1 < source.count, "bBoOxX".unicodeScalars.contains(source[index + 1]) {
            let radix: Int
            switch source[index + 1] {
            case "b", "B": radix = 2
            case "o", "O": radix = 8
            default: radix = 16
            }
            index += 2
            let digitsStart = index
            digits { $0.properties.isASCIIHexDigit }
            let text = string(digitsStart, index).withoutUnderscores
            guard let value = Int(text, radix: radix) else {
                throw ChatTemplateError(.syntax, "invalid integer literal", at: at)
            }
            return .integer(value)
        }
        digits { $0.isASCIIDigit }
        var isFloat = false
        if allowFloat, index + 1 < source.count, source[index] == ".", source[index + 1].isASCIIDigit {
            isFloat = true
            index += 1
            digits { $0.isASCIIDigit }
        }
        if allowFloat, index < source.count, source[index] == "e" || source[index] == "E" {
            var j = index + 1
            if j < source.count, source[j] == "+" || source[j] == "-" { j += 1 }
            if j < source.count, source[j].isASCIIDigit {
                isFloat = true
                index = j
                digits { $0.isASCIIDigit }
            }
        }
        let text = string(start, index).withoutUnderscores
        if isFloat {
            guard let value = Double(text) else { throw ChatTemplateError(.syntax, "invalid float literal", at: at) }
            return .float(value)
        }
        guard let value = Int(text) else {
            throw ChatTemplateError(.syntax, "integer literal \(text) is too large", at: at)
        }
        return .integer(value)
    }

    /// Reads a quoted string and decodes its escapes as Python's `unicode-escape` codec does (which Jinja uses).
    private mutating func lexString(quote: Unicode.Scalar) throws(ChatTemplateError) -> String {
        let at = position(index)
        index += 1
        var out = String.UnicodeScalarView()
        while index < source.count {
            let scalar = source[index]
            if scalar == quote {
                index += 1
                return String(out)
            }
            if scalar != "\\" {
                out.append(scalar)
                index += 1
                continue
            }
            guard index + 1 < source.count else { break }
            let escape = source[index + 1]
            index += 2
            switch escape {
            case "\n": break
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append(Unicode.Scalar(7))
            case "b": out.append(Unicode.Scalar(8))
            case "f": out.append(Unicode.Scalar(12))
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append(Unicode.Scalar(11))
            case "0"..."7":
                var value = Int(escape.value - 48)
                var count = 1
                while count < 3, index < source.count, ("0"..."7").contains(source[index]) {
                    value = value * 8 + Int(source[index].value - 48)
                    index += 1
                    count += 1
                }
                guard let decoded = Unicode.Scalar(UInt32(value)) else {
                    throw ChatTemplateError(.syntax, "invalid octal escape in string", at: at)
                }
                out.append(decoded)
            case "x", "u", "U":
                let width = escape == "x" ? 2 : escape == "u" ? 4 : 8
                guard index + width <= source.count,
                    let value = UInt32(string(index, index + width), radix: 16),
                    source[index..<index + width].allSatisfy({ $0.properties.isASCIIHexDigit })
                else {
                    throw ChatTemplateError(.syntax, "truncated \\\(Character(escape)) escape in string", at: at)
                }
                guard let decoded = Unicode.Scalar(value) else {
                    throw ChatTemplateError(.syntax, "escape \\\(Character(escape)) is not a Unicode scalar", at: at)
                }
                out.append(decoded)
                index += width
            case "N":
                throw ChatTemplateError(.unsupported, "\\N{...} escapes in strings are not supported", at: at)
            default:
                out.append("\\")
                out.append(escape)
            }
        }
        throw ChatTemplateError(.syntax, "unterminated string", at: at)
    }

    // MARK: - Positions

    private func string(_ start: Int, _ end: Int) -> String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: source[start..<end])
        return String(text)
    }

    private func position(_ offset: Int) -> JinjaPosition {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return JinjaPosition(line: low + 1, column: offset - lineStarts[low] + 1)
    }
}

extension Unicode.Scalar {
    /// Python's `str.isspace()` (what Jinja's `\s` and `str.strip()` use): Unicode White_Space plus U+001C...U+001F.
    var isPythonWhitespace: Bool {
        properties.isWhitespace || (0x1C...0x1F).contains(value)
    }

    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
