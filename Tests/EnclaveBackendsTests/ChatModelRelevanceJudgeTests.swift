// Enclave backends: the chat model as a yes/no relevance judge, on the real default model.

import EnclaveBackends
import EnclaveEngine
import Foundation
import Testing

/// The SmolLM2 judge shared by this file's tests (nil when the model file is missing).
private let judge: ChatModelRelevanceJudge? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    guard FileManager.default.fileExists(atPath: path), let model = try? Model(path: path) else { return nil }
    return try? ChatModelRelevanceJudge(model: model, passageTokens: 20)
}()

@Suite(.timeLimit(.minutes(2))) struct ChatModelRelevanceJudgeTests {
    func loaded() throws -> ChatModelRelevanceJudge {
        guard let judge else {
            Issue.record("models/SmolLM2-135M-Instruct.Q4_1.gguf is missing: run `make models` first")
            throw CancellationError()
        }
        return judge
    }

    @Test func rendersTheQuestionAndACutPassageInChatML() throws {
        let judge = try loaded()
        let long = Array(repeating: "word", count: 200).joined(separator: " ")
        let tokens = try judge.prompt(question: "Where is Paris?", passage: long + " TAIL")
        let engine = try Engine(
            model: try Model(path: judge.modelPath),
            configuration: RunnerConfiguration(kvBudgetBytes: 1 << 20, contextLength: 64)
        )
        let text = engine.tokenizer.decode(tokens, renderSpecial: true)
        #expect(text.contains("<|im_start|>system\n\(ChatModelRelevanceJudge.instruction)<|im_end|>"))
        #expect(text.contains("Question: Where is Paris?\nPassage: word word"))
        #expect(!text.contains("TAIL"))
        #expect(text.hasSuffix("<|im_start|>assistant\n"))
    }

    @Test func scoresAreFiniteAndDeterministic() throws {
        let judge = try loaded()
        let a = try judge.score(question: "What is the capital of France?", passage: "Paris is the capital of France.")
        let b = try judge.score(question: "What is the capital of France?", passage: "Paris is the capital of France.")
        #expect(a.isFinite)
        #expect(a == b)
    }
}
