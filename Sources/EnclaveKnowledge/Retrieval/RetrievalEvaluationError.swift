// Enclave knowledge: what goes wrong reading an evaluation set.

/// A problem with a retrieval evaluation's questions.
public struct RetrievalEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Base: Hashable, Sendable {
        case badLine(Int)
        case noQuestions
    }
    private let base: Base

    /// Line `number` (from 1) is not a JSON object with string fields `question` and `document`.
    public static func badLine(_ number: Int) -> Self { Self(base: .badLine(number)) }
    /// The file has no questions.
    public static let noQuestions = Self(base: .noQuestions)

    public var description: String {
        switch base {
        case .badLine(let number): "line \(number) is not a JSON object with string fields \"question\" and \"document\""
        case .noQuestions: "the file has no questions"
        }
    }
}
