// Enclave: what names of keys, users and teams may look like.

import Foundation

/// The rule every name of a key, a user or a team follows: 1 to 64 characters among ASCII letters, digits,
/// `.`, `_`, `-` and `@`, starting with a letter or a digit. Names work unquoted in a shell and in a URL path.
public enum NameRules {
    /// The longest name.
    public static let maximumLength = 64

    /// Why `name` breaks the rule, or `nil` if it follows it.
    public static func problem(with name: String) -> String? {
        guard !name.isEmpty else { return "it is empty" }
        guard name.count <= maximumLength else { return "it is longer than \(maximumLength) characters" }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-@".unicodeScalars.contains(scalar))
        }
        guard allowed else { return "use only letters, digits, '.', '_', '-' and '@'" }
        guard let first = name.unicodeScalars.first, CharacterSet.alphanumerics.contains(first) else {
            return "it must start with a letter or a digit"
        }
        return nil
    }
}
