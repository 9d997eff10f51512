// Enclave: `enclave eval guardrails`: precision, recall and F1 of each detector on labelled cases.

import ArgumentParser
import EnclaveGuard
import Foundation

extension EvalCommand {
    /// Scans each case of a JSON Lines file with every detector and prints each detector's precision,
    /// recall, F1 and support (with `--json`, one object `{"detectors": {NAME: {...}}}`).
    struct Guardrails: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Precision, recall and F1 of each guardrail detector on labelled cases (JSON Lines)."
        )

        @Option(help: #"A JSON Lines file: {"text": "...", "labels": ["EMAIL_ADDRESS", ...]} a line."#)
        var file: String

        @Option(help: "The prompt-injection score from which that detector counts as firing.")
        var injectionThreshold = PromptInjectionDetector.defaultThreshold

        @Flag(help: #"Print one JSON object {"detectors": {NAME: {"precision", "recall", "f1", "support"}}}."#)
        var json = false

        @Flag(help: "Also list the line numbers each detector missed or fired on wrongly (never the texts).")
        var mistakes = false

        func run() throws {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw CommandFailure("cannot read \(file): \(error.localizedDescription)")
            }
            let cases: [GuardrailCase]
            do {
                cases = try GuardrailCase.cases(from: data)
            } catch let error as GuardrailEvaluationError {
                throw CommandFailure("\(file): \(error.message)")
            }
            guard !cases.isEmpty else { throw CommandFailure("\(file): \(GuardrailEvaluationError.empty.message)") }
            let report = GuardrailEvaluation.evaluate(cases, injectionThreshold: injectionThreshold)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                Console.print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                var rows = [["detector", "precision", "recall", "f1", "support", "tp", "fp", "fn"]]
                for (name, score) in report.detectors.sorted(by: { $0.key < $1.key }) {
                    rows.append([
                        name, String(format: "%.3f", score.precision), String(format: "%.3f", score.recall), String(format: "%.3f", score.f1),
                        "\(score.support)", "\(score.truePositives)", "\(score.falsePositives)", "\(score.falseNegatives)",
                    ])
                }
                Console.print("\(cases.count) cases, \(cases.filter(\.labels.isEmpty).count) without labels")
                Console.table(rows)
            }
            if mistakes {
                for mistake in report.mistakes.sorted(by: { ($0.entity, $0.line) < ($1.entity, $1.line) }) {
                    Console.error("line \(mistake.line): \(mistake.entity) \(mistake.falsePositive ? "false positive" : "missed")")
                }
            }
        }
    }
}
