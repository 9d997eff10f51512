// Enclave: login events into the audit log.

/// A ``LoginEventSink`` that appends every login, failed login, lockout, refused attempt while locked out
/// and logout to an ``AuditEventSink`` (the audit log), durably: when the append fails, the login fails
/// too (see ``SessionAuthenticator``).
///
/// The record names the user (when the login named one), the session and the client address. The login
/// name as typed is left out: people sometimes type their password into it.
public struct AuditLoginEvents: LoginEventSink {
    let sink: any AuditEventSink

    /// Creates the sink over `sink` (`stores.audit`).
    public init(sink: any AuditEventSink) {
        self.sink = sink
    }

    public func record(_ event: LoginEvent) async throws {
        try await sink.record(Self.entry(of: event))
    }

    /// The audit entry of a login event.
    public static func entry(of event: LoginEvent) -> AuditEntry {
        let succeeded = event.kind == .login || event.kind == .logout
        return AuditEntry(
            time: event.date,
            action: AuditAction(rawValue: event.kind.rawValue),
            actor: AuditActor(userID: event.userID, sessionID: event.sessionID, clientAddress: event.clientAddress),
            target: event.userID,
            outcome: succeeded ? .success : .refused,
            reason: event.reason
        )
    }
}
