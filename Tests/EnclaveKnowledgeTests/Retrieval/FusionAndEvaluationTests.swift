// Enclave knowledge tests: reciprocal rank fusion and the evaluation's arithmetic.

import EnclaveKnowledge
import Foundation
import Testing

@Suite("Fusion and evaluation")
struct FusionAndEvaluationTests {
    @Test("Reciprocal rank fusion sums 1 / (60 + rank) over the lists")
    func fusion() {
        let fused = ReciprocalRankFusion().fuse([[1, 2, 3], [3, 4, 1]])
        #expect(fused.map(\.id) == [1, 3, 2, 4])
        #expect(abs(fused[0].score - (1.0 / 61 + 1.0 / 63)) < 1e-12)
        #expect(abs(fused[2].score - 1.0 / 62) < 1e-12)
        // Equal scores: the id met first in the earliest list wins.
        #expect(ReciprocalRankFusion().fuse([[7], [8]]).map(\.id) == [7, 8])
        // A repeat within one list counts once.
        #expect(ReciprocalRankFusion(k: 0).fuse([[5, 5]]).map(\.score) == [1])
        #expect(ReciprocalRankFusion().fuse([[], []]).isEmpty)
    }

    @Test("Recall at 1, 5 and 10 and MRR come from each question's first answering chunk")
    func scoring() async throws {
        let questions = [
            RetrievalQuestion(question: "a", document: "A.md"),
            RetrievalQuestion(question: "b", document: "B.md"),
            RetrievalQuestion(question: "c", document: "C.md"),
            RetrievalQuestion(question: "d", document: "D.md"),
        ]
        let answers: [String: [String]] = [
            "a": ["A.md", "X.md"],
            "b": ["X.md", "X.md", "B.md", "B.md"],
            "c": Array(repeating: "X.md", count: 7) + ["C.md"],
            "d": Array(repeating: "X.md", count: 10) + ["D.md"],
        ]
        let result = try await RetrievalEvaluation.evaluate(questions) { answers[$0]! }
        #expect(result.questions == 4)
        #expect(result.recallAt1 == 0.25)
        #expect(result.recallAt5 == 0.5)
        #expect(result.recallAt10 == 0.75)
        #expect(abs(result.mrr - (1 + 1.0 / 3 + 1.0 / 8) / 4) < 1e-12)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        #expect(Set(json.keys) == ["recall@1", "recall@5", "recall@10", "mrr", "questions"])
        await #expect(throws: RetrievalEvaluationError.noQuestions) { try await RetrievalEvaluation.evaluate([]) { _ in [] } }
    }

    @Test("Questions are read one JSON object a line, other fields ignored, a bad line named")
    func questionLines() throws {
        let text = #"{"question": "How?", "document": "howto.md", "answer": "so"}"# + "\n\n" + #"{"question":"Why?","document":"faq.md"}"# + "\n"
        #expect(
            try RetrievalQuestion.lines(of: Data(text.utf8)) == [
                RetrievalQuestion(question: "How?", document: "howto.md"), RetrievalQuestion(question: "Why?", document: "faq.md"),
            ]
        )
        #expect(throws: RetrievalEvaluationError.badLine(2)) {
            try RetrievalQuestion.lines(of: Data("{\"question\":\"a\",\"document\":\"b\"}\n{\"question\": 3}\n".utf8))
        }
    }
}
