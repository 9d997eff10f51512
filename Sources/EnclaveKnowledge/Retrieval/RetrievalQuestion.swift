// Enclave knowledge: one labelled question of a retrieval evaluation set.

public import Foundation

/// A question and the document that answers it, one line of an evaluation file
/// (`{"question": "...", "document": "<the file name as ingested>"}`; other fields are ignored).
public struct RetrievalQuestion: Sendable, Hashable, Codable {
    /// The question as a user would ask it.
    public var question: String
    /// The name of the document that answers it, as ingested.
    public var document: String

    /// Creates a question.
    public init(question: String, document: String) {
        self.question = question
        self.document = document
    }

    /// The questions of a JSON Lines file (blank lines skipped).
    /// - Throws: ``RetrievalEvaluationError`` naming the first line that is not a question object.
    public static func lines(of data: Data) throws -> [RetrievalQuestion] {
        let decoder = JSONDecoder()
        var questions: [RetrievalQuestion] = []
        for (offset, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { ![UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains($0) }) else { continue }
            do {
                questions.append(try decoder.decode(RetrievalQuestion.self, from: Data(line)))
            } catch {
                throw RetrievalEvaluationError.badLine(offset + 1)
            }
        }
        return questions
    }
}
