// Enclave: `${VAR}` substitution in configuration values.

import Foundation

/// Replaces `${NAME}` with the environment variable `NAME`, and `${NAME:-fallback}` with the variable or,
/// when it is unset or empty, the fallback. `$$` is a literal `$`. Any other `$` is kept as is.
///
/// ```swift
/// try EnvironmentSubstitution.apply(to: "key-${TEAM}", environment: ["TEAM": "ops"])  // "key-ops"
/// ```
public enum EnvironmentSubstitution {
    /// Why a substitution failed.
    public enum Failure: Error, Sendable, Hashable {
        /// The variable is not set and there is no fallback.
        case undefined(String)
        /// `${` without a closing `}` or with an invalid name.
        case malformed(String)
    }

    /// Substitutes every `${...}` in `text`.
    public static func apply(to text: String, environment: [String: String]) throws(Failure) -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                result.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                result.append("$")
                index = text.index(after: next)
                continue
            }
            guard text[next] == "{" else {
                result.append(character)
                index = next
                continue
            }
            let bodyStart = text.index(after: next)
            guard let close = text[bodyStart...].firstIndex(of: "}") else {
                throw .malformed("'${' without a closing '}'")
            }
            let body = text[bodyStart..<close]
            let name: Substring
            let fallback: Substring?
            if let separator = body.range(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard isValidName(name) else {
                throw .malformed("'${\(body)}' is not a valid variable reference")
            }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                result += value
            } else if let fallback {
                result += fallback
            } else {
                throw .undefined(String(name))
            }
            index = text.index(after: close)
        }
        return result
    }

    private static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
