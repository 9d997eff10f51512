// Enclave: checking a configuration file without starting anything.

public import Foundation
import Yams

/// Checks a configuration file and reports every problem it finds: YAML syntax, unknown keys, invalid values,
/// unset `${ENV}` variables, duplicate names, bad password or key hashes, and the references between teams,
/// users, keys and models. What `enclave config validate` and `enclave serve` run.
///
/// ```swift
/// for problem in ConfigurationValidator.problems(path: "enclave.yaml") { print(problem.diagnostic) }
/// ```
public enum ConfigurationValidator {
    /// Every problem of the file at `path`, by line and column; empty if it is valid.
    /// - Parameter environment: Variables for `${VAR}` substitution.
    public static func problems(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> [ConfigurationError] {
        let text: String
        do {
            text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        } catch {
            return [
                ConfigurationError(.unreadable, source: path, line: nil, key: nil, problem: "cannot read the file (\(error.localizedDescription))")
            ]
        }
        return problems(yaml: text, source: path, environment: environment)
    }

    /// Every problem of a YAML document, by line and column; empty if it is valid.
    /// - Parameters:
    ///   - yaml: The document.
    ///   - source: The file's name, for the errors.
    ///   - environment: Variables for `${VAR}` substitution.
    public static func problems(yaml: String, source: String, environment: [String: String]) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        // The sections other than the identities stop at their first problem; the identities report all.
        do {
            _ = try EnclaveConfiguration(yaml: yaml, source: source, environment: environment)
        } catch let error as ConfigurationError {
            problems.append(error)
            if error.code == .syntax { return problems }
        } catch {
            problems.append(ConfigurationError(.invalidValue, source: source, line: nil, key: nil, problem: "\(error)"))
        }
        guard let node = try? Yams.compose(yaml: yaml), case .mapping(let mapping) = node else { return problems }
        let top = Dictionary(mapping.compactMap { key, value in key.string.map { ($0, value) } }) { first, _ in first }
        let reader = ConfigurationReader(source: source, environment: environment)
        let (identities, identityProblems) = EnclaveConfiguration.readIdentities(top, reader: reader)
        let assistantProblems = EnclaveConfiguration.readAssistants(top, teams: identities.teams, reader: reader).problems
        for problem in identityProblems + assistantProblems where !problems.contains(problem) {
            problems.append(problem)
        }
        return problems.sorted { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) }
    }
}
