// Enclave server: one human-readable line per log event.

public import Foundation
public import Logging

/// The text log handler (``TextLogFormat``).
public typealias TextLogHandler = LineLogHandler<TextLogFormat>

/// Log lines as text, in the layout of swift-log's `StreamLogHandler`:
/// `2026-01-02T03:04:05.678Z info enclave : http.status=404 model="a b" [EnclaveServer] request`.
///
/// Unlike `StreamLogHandler`, every string (message, metadata keys and values, nested ones too) goes through a
/// ``LogSanitizer``: a newline in a client's model name is written as `\n` and cannot start a forged line,
/// and a megabyte-long value is cut. A metadata value with a space, `=`, `"` or nothing in it is quoted.
public enum TextLogFormat: LogLineFormat {
    /// One line (without the newline); metadata sorted by key.
    public static func render(
        time: Date,
        level: Logger.Level,
        label: String,
        message: String,
        metadata: Logger.Metadata,
        source: String,
        sanitizer: LogSanitizer
    ) -> String {
        func text(_ value: Logger.Metadata.Value) -> String {
            switch value {
            case .string(let string): quoted(sanitizer.escape(string, style: .text))
            case .stringConvertible(let convertible): quoted(sanitizer.escape(convertible.description, style: .text))
            case .array(let values): "[" + values.map(text).joined(separator: ", ") + "]"
            case .dictionary(let dictionary):
                "["
                    + dictionary.keys.sorted().map { "\(sanitizer.escape($0, style: .text)): \(text(dictionary[$0]!))" }
                    .joined(separator: ", ") + "]"
            }
        }
        var line =
            time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) + " " + level.rawValue + " "
            + sanitizer.escape(label, style: .text) + " :"
        for key in metadata.keys.sorted() {
            line += " " + sanitizer.escape(key, style: .text) + "=" + text(sanitizer.shortened(metadata[key]!))
        }
        return line + " [" + sanitizer.escape(source, style: .text) + "] " + sanitizer.escape(message, style: .text)
    }

    /// An escaped value, in quotes if it is empty or holds a space, `=` or `"` (so that `key=value` pairs stay
    /// apart). Backslashes are already escaped, so `\"` is unambiguous.
    private static func quoted(_ escaped: String) -> String {
        guard escaped.isEmpty || escaped.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" }) else { return escaped }
        return "\"" + escaped.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
