// Enclave: reading the `sessions:` section.

import Yams

extension EnclaveConfiguration {
    /// The keys of `sessions:`.
    static let sessionKeys = ["idle_minutes", "absolute_hours", "secure_cookie"]

    static func readSessions(_ node: Node, into sessions: inout SessionSettings, reader: ConfigurationReader) throws {
        let entries = try reader.mapping(node, at: "sessions", allowed: sessionKeys)
        if let value = entries["idle_minutes"] {
            sessions.idleMinutes = try reader.int(value, at: "sessions.idle_minutes", in: SessionSettings.idleRange)
        }
        if let value = entries["absolute_hours"] {
            sessions.absoluteHours = try reader.int(value, at: "sessions.absolute_hours", in: SessionSettings.absoluteRange)
        }
        if let value = entries["secure_cookie"] {
            sessions.secureCookie = try reader.choice(value, at: "sessions.secure_cookie", among: ["true", "false"]) == "true"
        }
        if Double(sessions.idleMinutes) * 60 > sessions.absoluteTimeout, let idle = entries["idle_minutes"] {
            throw reader.invalid(
                idle,
                "sessions.idle_minutes",
                "must not be longer than sessions.absolute_hours (\(sessions.absoluteHours) h), got \(sessions.idleMinutes) minutes"
            )
        }
    }
}
