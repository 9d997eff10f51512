// Enclave server: one JSON object per log line.

public import Foundation
public import Logging

/// The JSON log handler (``JSONLogFormat``).
public typealias JSONLogHandler = LineLogHandler<JSONLogFormat>

/// Log lines as one JSON object each:
/// `{"time":"…","level":"info","label":"enclave","message":"request","request.id":"…",…}`.
public enum JSONLogFormat: LogLineFormat {
    /// One JSON line (without the newline). Keys are sorted after the fixed ones, so lines diff well. Every
    /// string (message, keys, values, nested ones too) goes through `sanitizer`: non-printable scalars are
    /// escaped and long values cut (see ``LogSanitizer``).
    public static func render(
        time: Date,
        level: Logger.Level,
        label: String,
        message: String,
        metadata: Logger.Metadata,
        source: String,
        sanitizer: LogSanitizer
    ) -> String {
        func quote(_ string: String) -> String { "\"" + sanitizer.escape(string, style: .json) + "\"" }
        func json(_ value: Logger.Metadata.Value) -> String {
            switch value {
            case .string(let string): quote(string)
            case .stringConvertible(let convertible): quote(convertible.description)
            case .array(let values): "[" + values.map(json).joined(separator: ",") + "]"
            case .dictionary(let dictionary):
                "{" + dictionary.keys.sorted().map { "\(quote($0)):\(json(dictionary[$0]!))" }.joined(separator: ",") + "}"
            }
        }
        var fields: [(String, String)] = [
            ("time", quote(time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))),
            ("level", quote(level.rawValue)),
            ("label", quote(label)),
            ("message", quote(message)),
        ]
        for key in metadata.keys.sorted() where !["time", "level", "label", "message"].contains(key) {
            fields.append((key, json(sanitizer.shortened(metadata[key]!))))
        }
        return "{" + fields.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }
}
