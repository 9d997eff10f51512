// Enclave server: a swift-log handler that writes one line per event to standard error.

public import Foundation
public import Logging
import Synchronization

/// Standard error, shared by every handler so that lines of different loggers never interleave.
private let standardError = Mutex(FileHandle.standardError)

/// A swift-log handler that writes each event as one line to standard error, laid out by `Format`
/// (``TextLogHandler``, ``JSONLogHandler``). It merges the handler's, the provider's and the event's metadata,
/// the event's winning.
public struct LineLogHandler<Format: LogLineFormat>: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

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
            time: Date(),
            level: event.level,
            label: label,
            message: event.message.description,
            metadata: merged,
            source: event.source
        )
        standardError.withLock { $0.write(Data((line + "\n").utf8)) }
    }

    /// One line in `Format` (without the newline).
    public static func render(
        time: Date,
        level: Logger.Level,
        label: String,
        message: String,
        metadata: Logger.Metadata,
        source: String,
        sanitizer: LogSanitizer = LogSanitizer()
    ) -> String {
        Format.render(time: time, level: level, label: label, message: message, metadata: metadata, source: source, sanitizer: sanitizer)
    }
}
