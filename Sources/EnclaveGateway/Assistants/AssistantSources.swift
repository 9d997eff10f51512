// Enclave gateway: numbered sources in the prompt, and the sources an answer cites.

public import EnclaveCore

/// The pure parts of answering with citations: the retrieval query, the numbered sources within a token
/// budget, the user turn that carries them, and the citations of an answer.
public enum AssistantSources {
    /// The longest snippet of a citation, in characters.
    public static let snippetLength = 300
    /// The longest retrieval query, in characters.
    public static let queryLength = 1000
    /// How many earlier user turns the query includes, besides the last.
    public static let earlierUserTurns = 2
    /// The share of an answer's words a source must contain to be attributed when the answer cites nothing.
    public static let attributionThreshold = 0.35
    /// The most sources attributed to an answer that cites nothing.
    public static let maximumAttributed = 3

    /// The instruction added after the assistant's system prompt when the conversation carries sources.
    public static let citationInstruction = """
        Answer using only the numbered sources below. Cite every source you use as [n], where n is its number, \
        for example [1]. If the sources do not contain the answer, say that the documents do not contain it; \
        do not invent an answer.
        """

    /// The retrieval query of a conversation: its last user message, preceded by up to
    /// ``earlierUserTurns`` earlier user messages while the whole stays within ``queryLength`` characters,
    /// so a follow-up such as "and what about X?" keeps its subject. The last message alone is cut to
    /// ``queryLength``.
    public static func query(from conversation: [ChatTurn]) -> String {
        let users = conversation.filter { $0.role == "user" }.map { $0.content.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard let last = users.last else { return "" }
        var parts = [String(last.prefix(queryLength))]
        var length = parts[0].count
        for earlier in users.dropLast().reversed().prefix(earlierUserTurns) {
            guard length + earlier.count + 1 <= queryLength else { break }
            parts.insert(earlier, at: 0)
            length += earlier.count + 1
        }
        return parts.joined(separator: "\n")
    }

    /// A conservative token count of `text` for budgeting: one token per three UTF-8 bytes, rounded up
    /// (English runs near four bytes a token in the supported tokenizers). The gateway's own context check
    /// (`prepare`) stays the authority.
    public static func estimatedTokens(_ text: String) -> Int {
        (text.utf8.count + 2) / 3
    }

    /// Numbers the passages in order, keeping those that fit `budget` tokens (estimated, with their
    /// location line). When not even the first fits whole, it is cut to the budget, so a found passage is
    /// never dropped for length alone unless the budget is too small to carry anything.
    public static func number(_ passages: [RetrievedPassage], collectionNames: [String: String], budget: Int) -> [NumberedSource] {
        var sources: [NumberedSource] = []
        var used = 0
        for passage in passages {
            let source = NumberedSource(
                index: sources.count + 1,
                passage: passage,
                collection: collectionNames[passage.record.document.collectionID] ?? passage.record.document.collectionID
            )
            let cost = estimatedTokens(source.promptLine) + 1
            if used + cost <= budget {
                sources.append(source)
                used += cost
            } else if sources.isEmpty {
                let overhead = estimatedTokens("[1] (\(source.location)) ") + 1
                let characters = (budget - overhead) * 3
                guard characters >= 32 else { return [] }
                sources.append(
                    NumberedSource(index: 1, passage: passage, collection: source.collection, text: String(source.text.prefix(characters)))
                )
                return sources
            } else {
                break
            }
        }
        return sources
    }

    /// The reminder after the question in the last user turn: small models follow an instruction next to
    /// the question far more often than one in the system prompt (SmolLM2-135M cites nothing otherwise).
    public static let answerInstruction = "Answer in one or two sentences and cite the sources you use as [n], like [1]."

    /// The assistant's system prompt and the citation instruction.
    public static func systemPrompt(_ base: String) -> String {
        base.isEmpty ? citationInstruction : base + "\n\n" + citationInstruction
    }

    /// The last user turn with the numbered sources before its question and the answer instruction after:
    /// `Sources:\n[1] (…) …\n\nQuestion: …\n` + ``answerInstruction``.
    public static func userTurn(_ question: String, sources: [NumberedSource]) -> String {
        "Sources:\n" + sources.map(\.promptLine).joined(separator: "\n") + "\n\nQuestion: " + question + "\n" + answerInstruction
    }

    /// The conversation with the sources put into its last user turn (unchanged if it has none).
    public static func conversation(_ conversation: [ChatTurn], carrying sources: [NumberedSource]) -> [ChatTurn] {
        guard let last = conversation.lastIndex(where: { $0.role == "user" }) else { return conversation }
        var turns = conversation
        turns[last].content = userTurn(conversation[last].content, sources: sources)
        return turns
    }

    /// The start of a passage for a citation: at most ``snippetLength`` characters, cut at a word, with `…`
    /// when cut.
    public static func snippet(of text: String) -> String {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.count > snippetLength else { return trimmed }
        let head = trimmed.prefix(snippetLength - 1)
        let cut = head.lastIndex(where: { $0.isWhitespace }).map { head[..<$0] } ?? head
        return cut.trimmingWhitespace() + "…"
    }

    /// The numbers an answer cites: `[1]`, `[1, 2]` and `[1][3]`, in order of first appearance, once each.
    public static func citedNumbers(in answer: String) -> [Int] {
        var numbers: [Int] = []
        let characters = Array(answer)
        var index = 0
        while index < characters.count {
            guard characters[index] == "[" else {
                index += 1
                continue
            }
            var end = index + 1
            while end < characters.count, characters[end].isNumber || characters[end] == "," || characters[end] == " " { end += 1 }
            if end < characters.count, characters[end] == "]", end > index + 1 {
                let inside = String(characters[(index + 1)..<end])
                let values = inside.split(separator: ",").map { $0.trimmingWhitespace() }
                if values.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && Int($0) != nil }) {
                    for value in values.compactMap({ Int($0) }) where !numbers.contains(value) { numbers.append(value) }
                }
            }
            index = end
        }
        return numbers
    }

    /// The sources an answer cites, in order of first citation; numbers that name no source (`[9]` of
    /// three) are ignored. When the answer cites no valid source, the sources whose text contains at least
    /// ``attributionThreshold`` of the answer's words (of four letters or more) are listed, best first, at
    /// most ``maximumAttributed``, with `attributed: true`.
    public static func citations(in answer: String, sources: [NumberedSource]) -> [Citation] {
        let byIndex = Dictionary(sources.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        let cited = citedNumbers(in: answer).compactMap { byIndex[$0] }
        if !cited.isEmpty { return cited.map { $0.citation(attributed: false) } }
        let words = Self.words(of: answer)
        guard !words.isEmpty else { return [] }
        let scored = sources.map { source in
            (source, Double(words.intersection(Self.words(of: source.text)).count) / Double(words.count))
        }
        return scored.filter { $0.1 >= attributionThreshold }
            .sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0.index < $1.0.index) }
            .prefix(maximumAttributed)
            .map { $0.0.citation(attributed: true) }
    }

    /// The distinct lowercased words of four letters or more.
    static func words(of text: String) -> Set<String> {
        Set(text.lowercased().split { !$0.isLetter && !$0.isNumber }.filter { $0.count >= 4 }.map(String.init))
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace and newlines.
    func trimmingWhitespace() -> String {
        guard let start = firstIndex(where: { !$0.isWhitespace }), let end = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[start...end])
    }
}
