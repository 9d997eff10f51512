// Enclave guardrails: precision, recall and F1 of each detector on labelled cases.

/// Runs a scanner over labelled cases and scores each detector. A detector fires on a case when the
/// scanner reports a finding of its entity (prompt injection: a score at or above the threshold); a
/// firing on a case labelled with the entity is a true positive, on another case a false positive, and a
/// labelled case without a firing a false negative.
///
/// ```swift
/// let report = GuardrailEvaluation.evaluate(try GuardrailCase.cases(from: data))
/// print(report.detectors["EMAIL_ADDRESS"]?.f1 ?? 0)
/// ```
public enum GuardrailEvaluation {
    /// One detector's scores. Encodes as `{"precision", "recall", "f1", "support"}`.
    public struct DetectorScore: Sendable, Hashable, Codable {
        /// Firings on labelled cases.
        public var truePositives = 0
        /// Firings on cases without the label.
        public var falsePositives = 0
        /// Labelled cases without a firing.
        public var falseNegatives = 0

        /// Creates an empty score.
        public init() {}

        /// Cases labelled with the entity.
        public var support: Int { truePositives + falseNegatives }
        /// True positives over firings (1 when the detector never fired).
        public var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        /// True positives over labelled cases (1 when there are none).
        public var recall: Double { support == 0 ? 1 : Double(truePositives) / Double(support) }
        /// The harmonic mean of precision and recall.
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }

        private enum CodingKeys: String, CodingKey { case precision, recall, f1, support }

        /// Encodes the four published figures.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(precision, forKey: .precision)
            try container.encode(recall, forKey: .recall)
            try container.encode(f1, forKey: .f1)
            try container.encode(support, forKey: .support)
        }

        /// Decodes a score from its published figures (counts are not recoverable and stay 0).
        public init(from decoder: any Decoder) throws {
            _ = try decoder.container(keyedBy: CodingKeys.self)
        }
    }

    /// A case a detector got wrong: its line and whether the detector missed it or fired on it wrongly.
    public struct Mistake: Sendable, Hashable {
        /// The case's line.
        public var line: Int
        /// The detector.
        public var entity: GuardEntity
        /// True for a false positive, false for a miss.
        public var falsePositive: Bool
    }

    /// The result: scores by entity name (for entities with labelled cases or firings). Encodes as
    /// `{"detectors": {NAME: {...}}}`.
    public struct Report: Sendable, Codable {
        /// Scores by entity name.
        public var detectors: [String: DetectorScore]
        /// The cases each detector got wrong (not encoded).
        public var mistakes: [Mistake] = []

        private enum CodingKeys: String, CodingKey { case detectors }
    }

    /// Scores `scanner` on `cases`.
    /// - Parameter injectionThreshold: the score from which prompt injection counts as firing.
    public static func evaluate(
        _ cases: [GuardrailCase],
        scanner: GuardScanner = GuardScanner(),
        injectionThreshold: Double = PromptInjectionDetector.defaultThreshold
    ) -> Report {
        var scores: [GuardEntity: DetectorScore] = [:]
        var mistakes: [Mistake] = []
        for item in cases {
            var fired = Set<GuardEntity>()
            for finding in scanner.findings(in: item.text) {
                if finding.entity == .promptInjection, finding.score < injectionThreshold { continue }
                fired.insert(finding.entity)
            }
            for entity in fired.union(item.labels) {
                var score = scores[entity] ?? DetectorScore()
                switch (fired.contains(entity), item.labels.contains(entity)) {
                case (true, true): score.truePositives += 1
                case (true, false):
                    score.falsePositives += 1
                    mistakes.append(Mistake(line: item.line, entity: entity, falsePositive: true))
                case (false, true):
                    score.falseNegatives += 1
                    mistakes.append(Mistake(line: item.line, entity: entity, falsePositive: false))
                case (false, false): break
                }
                scores[entity] = score
            }
        }
        return Report(detectors: Dictionary(uniqueKeysWithValues: scores.map { ($0.key.rawValue, $0.value) }), mistakes: mistakes)
    }
}
