// Enclave load: durations written as `500ms`, `30s`, `10m`, `2h` on the command line.

import Foundation

/// Parses and prints the durations of load-test options.
public enum DurationText {
    /// The seconds in `text`: a number followed by `us`, `ms`, `s`, `m` or `h` (a bare number is seconds).
    /// - Throws: `LoadConfigurationError` naming `option` when the text is not a non-negative duration.
    public static func seconds(_ text: String, option: String) throws -> Double {
        let units: [(String, Double)] = [("us", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            if let value = Double(number), value >= 0, value.isFinite { return value * scale }
        }
        if let value = Double(trimmed), value >= 0, value.isFinite { return value }
        throw LoadConfigurationError("\(option) needs a duration such as 500ms, 30s or 10m; got '\(text)'")
    }

    /// A short rendering: `500ms`, `30s`, `10m`.
    public static func format(_ seconds: Double) -> String {
        if seconds < 1 { return "\(trim(seconds * 1000))ms" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(trim(seconds / 60))m" }
        return "\(trim(seconds))s"
    }

    private static func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
