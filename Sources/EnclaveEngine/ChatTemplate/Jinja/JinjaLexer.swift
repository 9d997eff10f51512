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
    let source: [Unicode.Scalar]
    let lineStarts: [Int]
    var index = 0
    var tokens: [JinjaToken] = []
    /// Whether the text matched last ended with a newline (Jinja's `line_starting`), for lstrip_blocks.
    var lineStarting = true
    var brackets: [(Unicode.Scalar, Int)] = []

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

    func matches(_ literal: String, at offset: Int) -> Bool {
        var i = offset
        for scalar in literal.unicodeScalars {
            guard i < source.count, source[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    func skipWhitespace(from offset: Int) -> Int {
        var i = offset
        while i < source.count, source[i].isPythonWhitespace { i += 1 }
        return i
    }

    /// Consumes a tag end (`%}`, `-%}`, `+%}`, `}}`, `-}}`) at `offset` if there is one; returns the index after it.
    mutating func tagEnd(at offset: Int, isBlock: Bool) -> Int? {
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

    // MARK: - Positions

    func string(_ start: Int, _ end: Int) -> String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: source[start..<end])
        return String(text)
    }

    func position(_ offset: Int) -> JinjaPosition {
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
