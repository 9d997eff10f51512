// Enclave backends: a chat model asked whether a passage answers a question, read from one forward pass.

public import EnclaveEngine

/// Scores how well a passage answers a question with a chat model used as a pointwise judge: the model's
/// chat template renders a short yes/no question with the assistant turn open, one forward pass computes
/// the next-token logits, and the score is the best "yes" logit minus the best "no" logit (no sampling).
public final class ChatModelRelevanceJudge: Sendable {
    /// The system turn of every prompt.
    public static let instruction = "Judge whether the passage answers the question. Reply yes or no."

    let engine: Engine
    /// The GGUF file the judge reads.
    public let modelPath: String
    let passageTokens: Int
    let yesTokens: [Int32]
    let noTokens: [Int32]

    /// Loads the model's chat template and tokenizer; passages are cut to `passageTokens` tokens.
    /// - Throws: ``ChatTemplateError`` or ``ModelError`` if the model cannot render a chat prompt, or has
    ///   no single token for "yes" and "no".
    public init(model: Model, passageTokens: Int = 200) throws {
        engine = try Engine(model: model, configuration: RunnerConfiguration(kvBudgetBytes: 1 << 20, contextLength: 64, maxSequences: 1))
        self.passageTokens = passageTokens
        modelPath = model.file.path
        let tokenizer = model.tokenizer
        func firstTokens(_ words: [String]) -> [Int32] {
            Array(Set(words.compactMap { tokenizer.encode($0, addSpecial: false, parseSpecial: false).first }))
        }
        yesTokens = firstTokens(["yes", "Yes", " yes", " Yes"])
        noTokens = firstTokens(["no", "No", " no", " No"])
        guard !yesTokens.isEmpty, !noTokens.isEmpty, Set(yesTokens).isDisjoint(with: noTokens) else {
            throw ModelError(.invalidRequest, "the model has no distinct tokens for yes and no")
        }
    }

    /// The prompt tokens for one (question, passage) pair, the passage cut to its first tokens.
    public func prompt(question: String, passage: String) throws -> [Int32] {
        let tokenizer = engine.tokenizer
        let tokens = tokenizer.encode(passage, addSpecial: false, parseSpecial: false)
        let cut = tokens.count > passageTokens ? tokenizer.decode(Array(tokens.prefix(passageTokens)), renderSpecial: false) : passage
        return try engine.chatPrompt([
            ChatMessage(role: "system", content: Self.instruction),
            ChatMessage(role: "user", content: "Question: \(question)\nPassage: \(cut)"),
        ])
    }

    /// The yes-minus-no logit after the prompt for (question, passage); larger means more relevant.
    public func score(question: String, passage: String) throws -> Double {
        let logits = try NextTokenLogits(model: engine.model)(try prompt(question: question, passage: passage))
        let yes = yesTokens.map { logits[Int($0)] }.max() ?? 0
        let no = noTokens.map { logits[Int($0)] }.max() ?? 0
        return Double(yes - no)
    }
}
