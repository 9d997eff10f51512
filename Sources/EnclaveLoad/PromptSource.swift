// Enclave load: where a load test's prompts come from: synthetic text of a drawn length, or a JSONL file.

public import Foundation

/// One prompt to send: chat messages (for /v1/chat/completions) and the same text flattened (for /v1/completions).
public struct LoadPrompt: Sendable, Equatable {
    /// The conversation, as `(role, content)` pairs.
    public var messages: [(role: String, content: String)]
    /// The `max_tokens` the file asked for, if it did.
    public var maxTokens: Int?

    /// A prompt of these messages.
    public init(messages: [(role: String, content: String)], maxTokens: Int? = nil) {
        self.messages = messages
        self.maxTokens = maxTokens
    }

    /// The messages' contents joined by blank lines.
    public var flattened: String { messages.map(\.content).joined(separator: "\n\n") }

    /// Equal messages and max tokens.
    public static func == (lhs: LoadPrompt, rhs: LoadPrompt) -> Bool {
        lhs.maxTokens == rhs.maxTokens && lhs.messages.map(\.role) == rhs.messages.map(\.role)
            && lhs.messages.map(\.content) == rhs.messages.map(\.content)
    }
}

/// Makes the prompt of each request.
public enum PromptSource: Sendable {
    /// Words drawn from a list of short common English words (most tokenizers read each as one token), as many
    /// as the distribution says; every prompt starts differently, so no prefix cache makes them free.
    case synthetic(words: LengthDistribution)
    /// The prompts of a file, in order, repeated when the run needs more.
    case replay([LoadPrompt])

    /// The prompt of request `index`.
    public func prompt(_ index: Int, using generator: inout SeededGenerator) -> LoadPrompt {
        switch self {
        case .synthetic(let words):
            let count = words.sample(using: &generator)
            var text = ""
            text.reserveCapacity(count * 6)
            for position in 0..<count {
                if position > 0 { text += " " }
                text += Self.vocabulary[Int(generator.next() % UInt64(Self.vocabulary.count))]
            }
            return LoadPrompt(messages: [("user", text)])
        case .replay(let prompts):
            return prompts[index % prompts.count]
        }
    }

    /// Reads a JSONL file: one object per line with `"prompt": "text"` or `"messages": [{"role", "content"}]`,
    /// and optionally `"max_tokens"`. Blank lines are skipped.
    /// - Throws: `LoadConfigurationError` naming the file and line of the first bad line, or if it has no prompt.
    public static func replaying(contentsOf url: URL) throws -> PromptSource {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw LoadConfigurationError("cannot read the prompt file \(url.path): \(error.localizedDescription)")
        }
        var prompts: [LoadPrompt] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let prompt = parse(trimmed) else {
                throw LoadConfigurationError(
                    "\(url.lastPathComponent) line \(number + 1): expected {\"prompt\": \"...\"} or {\"messages\": [{\"role\", \"content\"}]}"
                )
            }
            prompts.append(prompt)
        }
        guard !prompts.isEmpty else { throw LoadConfigurationError("the prompt file \(url.path) has no prompts") }
        return .replay(prompts)
    }

    static func parse(_ line: String) -> LoadPrompt? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        let maxTokens = (object["max_tokens"] as? NSNumber)?.intValue
        if let prompt = object["prompt"] as? String, !prompt.isEmpty {
            return LoadPrompt(messages: [("user", prompt)], maxTokens: maxTokens)
        }
        guard let messages = object["messages"] as? [[String: Any]], !messages.isEmpty else { return nil }
        var turns: [(role: String, content: String)] = []
        for message in messages {
            guard let role = message["role"] as? String, let content = message["content"] as? String else { return nil }
            turns.append((role, content))
        }
        return LoadPrompt(messages: turns, maxTokens: maxTokens)
    }

    static let vocabulary: [String] = """
        the of and to in is it you that he was for on are as with his they at be this have from or one had by \
        word but not what all were we when your can said there use an each which she do how their if will up \
        other about out many then them these so some her would make like him into time has look two more write \
        go see number no way could people my than first water been call who oil its now find long down day did \
        get come made may part over new sound take only little work know place year live me back give most very
        """.split(separator: " ").map(String.init)
}
