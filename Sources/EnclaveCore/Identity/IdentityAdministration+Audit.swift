// Enclave: every change to users, teams and keys goes into the audit log.

extension IdentityAdministration {
    /// Appends a change to the audit log, by ``AuditActor/current`` (the request's caller in the server, the
    /// command line otherwise). A change whose record cannot be written throws after the change was made:
    /// the caller learns that the log is unavailable rather than believing all is well.
    /// - Throws: ``AuditLogError`` `unavailable`.
    func audit(_ action: AuditAction, target: String, before: AuditJSON? = nil, after: AuditJSON? = nil) async throws {
        try await stores.audit.record(
            AuditEntry(time: wallClock.now(), action: action, actor: .current, target: target, before: before, after: after)
        )
    }
}
