// Enclave guardrails: one labelled case of a guardrail evaluation file.

public import Foundation

/// A text and the detectors that should fire on it: one line of an evaluation file,
/// `{"text": "...", "labels": ["EMAIL_ADDRESS", ...]}` (`labels` empty for a clean text; other fields are
/// ignored).
public struct GuardrailCase: Sendable, Hashable {
    /// The text to scan.
    public var text: String
    /// The entities expected to be found.
    public var labels: Set<GuardEntity>
    /// The case's line in its file (1-based), for reports.
    public var line: Int

    /// Creates a case.
    public init(text: String, labels: Set<GuardEntity>, line: Int = 0) {
        self.text = text
        self.labels = labels
        self.line = line
    }

    private struct Wire: Decodable {
        var text: String
        var labels: [String]
    }

    /// The cases of a JSON Lines file; blank lines are skipped.
    /// - Throws: ``GuardrailEvaluationError`` naming the first line that is not a case object or has a label
    ///   that is not an entity name.
    public static func cases(from data: Data) throws -> [GuardrailCase] {
        let known = Set(GuardEntity.all)
        let decoder = JSONDecoder()
        var cases: [GuardrailCase] = []
        for (offset, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { ![UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains($0) }) else { continue }
            let wire: Wire
            do {
                wire = try decoder.decode(Wire.self, from: Data(line))
            } catch {
                throw GuardrailEvaluationError.badLine(offset + 1)
            }
            var labels: Set<GuardEntity> = []
            for name in wire.labels {
                let entity = GuardEntity(rawValue: name)
                guard known.contains(entity) else { throw GuardrailEvaluationError.unknownLabel(name, line: offset + 1) }
                labels.insert(entity)
            }
            cases.append(GuardrailCase(text: wire.text, labels: labels, line: offset + 1))
        }
        return cases
    }
}
