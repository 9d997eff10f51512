// Enclave knowledge: recall and MRR of retrieval on labelled questions.

/// How well retrieval finds the document that answers each question: recall@1/5/10 (the share of
/// questions whose document owns one of the first 1, 5 or 10 retrieved chunks) and the mean reciprocal
/// rank of the first such chunk within the first 10 (0 when none is).
///
/// ```swift
/// let result = try await RetrievalEvaluation.evaluate(questions) { question in
///     try await retriever.retrieve(question, inCollections: [id], settings: settings).map(\.record.document.name)
/// }
/// ```
public struct RetrievalEvaluation: Sendable, Hashable, Codable {
    /// Share of questions answered by the first chunk.
    public var recallAt1: Double
    /// Share answered within the first 5.
    public var recallAt5: Double
    /// Share answered within the first 10.
    public var recallAt10: Double
    /// Mean of 1 / rank of the first answering chunk (0 beyond 10).
    public var mrr: Double
    /// Questions evaluated.
    public var questions: Int

    enum CodingKeys: String, CodingKey {
        case recallAt1 = "recall@1"
        case recallAt5 = "recall@5"
        case recallAt10 = "recall@10"
        case mrr, questions
    }

    /// Creates a result.
    public init(recallAt1: Double, recallAt5: Double, recallAt10: Double, mrr: Double, questions: Int) {
        self.recallAt1 = recallAt1
        self.recallAt5 = recallAt5
        self.recallAt10 = recallAt10
        self.mrr = mrr
        self.questions = questions
    }

    /// Asks `retrieve` each question (for the document names of its chunks, best first) and scores the answers.
    /// - Throws: ``RetrievalEvaluationError/noQuestions`` for an empty set, or what `retrieve` throws.
    public static func evaluate(
        _ questions: [RetrievalQuestion],
        retrieve: (String) async throws -> [String]
    ) async throws -> RetrievalEvaluation {
        guard !questions.isEmpty else { throw RetrievalEvaluationError.noQuestions }
        var ranks: [Int?] = []
        for question in questions {
            let names = try await retrieve(question.question)
            ranks.append(names.prefix(10).firstIndex(of: question.document).map { $0 + 1 })
        }
        return score(ranks)
    }

    /// The result for the rank (from 1, `nil` when missed) of each question's first answering chunk.
    public static func score(_ ranks: [Int?]) -> RetrievalEvaluation {
        let total = Double(max(ranks.count, 1))
        func recall(_ k: Int) -> Double { Double(ranks.count { ($0 ?? .max) <= k }) / total }
        let mrr = ranks.reduce(0.0) { sum, rank in sum + (rank.map { $0 <= 10 ? 1 / Double($0) : 0 } ?? 0) } / total
        return RetrievalEvaluation(recallAt1: recall(1), recallAt5: recall(5), recallAt10: recall(10), mrr: mrr, questions: ranks.count)
    }
}
