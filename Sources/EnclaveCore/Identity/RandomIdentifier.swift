// Enclave: identifiers of stored entities.

/// Random, non-secret identifiers: a prefix naming the kind of entity and 16 hex digits
/// (`usr_5f0c…`, `team_…`, `k_…`).
public enum RandomIdentifier {
    /// A new identifier with this prefix.
    public static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let value = UInt64.random(in: .min ... .max, using: &generator)
        let hex = String(value, radix: 16)
        return prefix + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether `string` has the shape of an identifier with this prefix.
    public static func hasShape(_ string: String, prefix: String) -> Bool {
        string.hasPrefix(prefix) && string.count == prefix.count + 16
            && string.dropFirst(prefix.count).unicodeScalars.allSatisfy { "0123456789abcdef".unicodeScalars.contains($0) }
    }
}
