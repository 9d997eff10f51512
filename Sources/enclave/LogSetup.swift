// Enclave: bootstrapping swift-log for the process.

import EnclaveCore
import EnclaveServer
import Logging

/// The process's logging: level and format from the configuration, to standard error. Both formats escape
/// non-printable characters and cut long values in every field (``LogSanitizer``), so a client cannot forge
/// or flood log lines.
enum LogSetup {
    /// Bootstraps logging once and returns the server's logger.
    static func bootstrap(_ configuration: LoggingConfiguration) -> Logger {
        let level = Logger.Level(rawValue: configuration.level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                switch configuration.format {
                case .json: JSONLogHandler(label: label)
                case .text: TextLogHandler(label: label)
                }
            handler.logLevel = level
            return handler
        }
        return Logger(label: "enclave")
    }
}
