// Enclave server: how one log event becomes one line.

public import Foundation
public import Logging

/// A layout of log lines for ``LineLogHandler``: text or JSON.
public protocol LogLineFormat: Sendable {
    /// One line (without the newline). Every string goes through `sanitizer`, so client-supplied values can
    /// neither forge lines nor flood the log.
    static func render(
        time: Date,
        level: Logger.Level,
        label: String,
        message: String,
        metadata: Logger.Metadata,
        source: String,
        sanitizer: LogSanitizer
    ) -> String
}
