// Enclave knowledge: cutting a block longer than a passage.

import Foundation

extension Chunker {
    /// A block as units of at most ``maxTokens``: the whole block when it fits; otherwise its sentences
    /// (prose) or lines (code, a blank line kept with the line after it), so that packing can balance the
    /// passages; a sentence or line still too long is cut at word boundaries.
    func units(of block: ParsedDocument.Block, index: Int) -> [Unit] {
        let isCode = block.kind == .code
        let text = isCode ? block.text : block.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let tokens = tokenCount(text)
        guard tokens > maxTokens else { return [Unit(text: text, tokens: tokens, page: block.page, block: index, isCode: isCode)] }
        var parts: [String] = []
        if isCode {
            var blankLines = ""
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.allSatisfy(\.isWhitespace) {
                    blankLines += "\n"
                } else {
                    parts.append(blankLines + line)
                    blankLines = ""
                }
            }
        } else {
            parts = Self.sentences(of: text)
        }
        return parts.flatMap { part in
            let partTokens = tokenCount(part)
            return partTokens <= maxTokens
                ? [Unit(text: part, tokens: partTokens, page: block.page, block: index, isCode: isCode)]
                : wordRuns(of: part, page: block.page, index: index, isCode: isCode)
        }
    }

    /// Runs of whole words of at most ``maxTokens``; a single word longer than that (a hash, an encoded
    /// blob) is the one thing cut inside, into runs of characters.
    func wordRuns(of text: String, page: Int?, index: Int, isCode: Bool) -> [Unit] {
        var units: [Unit] = []
        var run: [Substring] = []
        var runTokens = 0
        func flush() {
            guard !run.isEmpty else { return }
            let joined = run.joined(separator: " ")
            let exact = tokenCount(joined)
            if exact <= maxTokens || run.count == 1 {
                units.append(Unit(text: joined, tokens: exact, page: page, block: index, isCode: isCode))
            } else {
                // The counts did not add up: halve the run until each half fits.
                let half = run.count / 2
                let (first, second) = (run[..<half], run[half...])
                units += wordRuns(of: first.joined(separator: " "), page: page, index: index, isCode: isCode)
                units += wordRuns(of: second.joined(separator: " "), page: page, index: index, isCode: isCode)
            }
            run = []
            runTokens = 0
        }
        for word in text.split(whereSeparator: \.isWhitespace) {
            let wordTokens = tokenCount(String(word))
            if wordTokens > maxTokens {
                flush()
                units += characterRuns(of: String(word), tokens: wordTokens).map {
                    Unit(text: $0, tokens: tokenCount($0), page: page, block: index, isCode: isCode)
                }
            } else if runTokens + wordTokens > maxTokens {
                flush()
                run = [word]
                runTokens = wordTokens
            } else {
                run.append(word)
                runTokens += wordTokens
            }
        }
        flush()
        return units
    }

    /// A word too long for a passage, in runs of characters that each fit.
    private func characterRuns(of word: String, tokens: Int) -> [String] {
        let characters = Array(word)
        var length = max(1, characters.count * maxTokens / max(tokens, 1) * 9 / 10)
        var runs: [String] = []
        var start = 0
        while start < characters.count {
            let end = min(start + length, characters.count)
            let run = String(characters[start..<end])
            if tokenCount(run) > maxTokens, length > 1 {
                length = max(1, length / 2)
                continue
            }
            runs.append(run)
            start = end
        }
        return runs
    }

    /// Prose cut into sentences, each keeping its closing punctuation: a boundary is `.`, `!`, `?` or `…`
    /// (with any closing quotes or brackets) followed by a space and no lower-case letter, an ideographic
    /// full stop, or a line break. The chunker cuts long paragraphs and builds overlap with it.
    ///
    /// ```swift
    /// Chunker.sentences(of: "Read e.g. the guide. Then ask!")  // ["Read e.g. the guide.", "Then ask!"]
    /// ```
    public static func sentences(of text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        let characters = Array(text)
        var index = 0
        func flush() {
            let sentence = current.trimmingCharacters(in: .whitespaces)
            if !sentence.isEmpty { sentences.append(sentence) }
            current = ""
        }
        while index < characters.count {
            let character = characters[index]
            if character == "\n" {
                flush()
                index += 1
                continue
            }
            current.append(character)
            index += 1
            if "。！？".contains(character) {
                flush()
            } else if ".!?…".contains(character) {
                while index < characters.count, "\"'”’)]".contains(characters[index]) {
                    current.append(characters[index])
                    index += 1
                }
                guard index < characters.count, characters[index] == " " || characters[index] == "\t" else { continue }
                var next = index
                while next < characters.count, characters[next] == " " || characters[next] == "\t" { next += 1 }
                if next < characters.count, characters[next].isLowercase { continue }
                flush()
            }
        }
        flush()
        return sentences
    }
}
