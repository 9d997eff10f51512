// Enclave: tokens inside `{{ }}` and `{% %}` tags: names, numbers, strings and operators.

extension JinjaLexer {
    mutating func lexTag(isBlock: Bool, tagStart: Int) throws(ChatTemplateError) {
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
            while index < source.count,
                source[index] == "_" || source[index].properties.isAlphabetic
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
                    .syntax,
                    "unexpected '\(Character(scalar))', expected closing bracket for '\(Character(open.0))'",
                    at: at
                )
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
            while index < source.count,
                valid(source[index])
                    || (source[index] == "_" && index + 1 < source.count
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
}
