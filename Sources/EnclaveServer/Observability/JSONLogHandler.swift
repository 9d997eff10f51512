// Enclave server: one JSON object per log line.

public import Foundation
public import Logging
import Synchronization

/// A swift-log handler that writes each event as one JSON object per line to standard error:
/// `{"time":"…","level":"info","label":"enclave","message":"request","request.id":"…",…}`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    private static let output = Mutex(FileHandle.standardError)

    /// Creates a handler for a logger label.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Self.render(
            time: Date(), level: event.level, label: label, message: event.message.description, metadata: merged, source: event.source)
        Self.output.withLock { $0.write(Data((line + "\n").utf8)) }
    }

    /// One JSON line (without the newline). Keys are sorted after the fixed ones, so lines diff well. Every
    /// string (message, keys, values, nested ones too) goes through `sanitizer`: non-printable scalars are
    /// escaped and long values cut (see ``LogSanitizer``).
    public static func render(
        time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, source: String,
        sanitizer: LogSanitizer = LogSanitizer()
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
