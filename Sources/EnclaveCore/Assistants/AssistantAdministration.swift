// Enclave: creating, changing and deleting assistants, with their rules and audit records.

public import Foundation

/// Changes to assistants as the admin API makes them: each is validated, refused for an assistant the
/// configuration declares (``AdministrationError`` `managedByConfig`, 409), and recorded in the audit log
/// (``Assistant/auditJSON``: the system prompt as a hash and a length).
public struct AssistantAdministration: Sendable {
    /// The assistants.
    public let store: any AssistantStore
    /// The audit log.
    public let audit: any AuditLog
    /// The ids of the models served: an assistant may not take one, and its base model must be one.
    public let modelIDs: Set<String>
    /// The teams, to check an assistant's team ids; `nil`: not checked.
    public let identities: (any IdentityStore)?
    /// The clock of `createdAt` and of the audit records.
    public let wallClock: any WallClock

    /// Creates the administration.
    public init(
        store: any AssistantStore,
        audit: any AuditLog,
        modelIDs: Set<String>,
        identities: (any IdentityStore)? = nil,
        wallClock: any WallClock = SystemWallClock()
    ) {
        self.store = store
        self.audit = audit
        self.modelIDs = modelIDs
        self.identities = identities
        self.wallClock = wallClock
    }

    /// Creates an assistant (its `createdAt` is now; `managedBy` is cleared: the API never makes a declared one).
    /// - Throws: ``AssistantStoreError`` `invalid` or `duplicate`.
    public func create(_ assistant: Assistant) async throws -> Assistant {
        var assistant = assistant
        assistant.createdAt = wallClock.now()
        assistant.managedBy = nil
        assistant = try await checked(assistant)
        try await store.create(assistant)
        try await record(.assistantCreate, target: assistant.id, after: assistant.auditJSON)
        return assistant
    }

    /// Replaces an assistant's settings (its id, `createdAt` and `managedBy` stay).
    /// - Throws: ``AdministrationError`` `notFound` or `managedByConfig`; ``AssistantStoreError`` `invalid`.
    public func update(_ id: String, _ change: (inout Assistant) -> Void) async throws -> Assistant {
        let before = try await existing(id)
        var after = before
        change(&after)
        after.id = before.id
        after.createdAt = before.createdAt
        after.managedBy = nil
        after = try await checked(after)
        try await store.update(after)
        try await record(.assistantUpdate, target: id, before: before.auditJSON, after: after.auditJSON)
        return after
    }

    /// Deletes an assistant.
    /// - Throws: ``AdministrationError`` `notFound` or `managedByConfig`.
    public func delete(_ id: String) async throws {
        let before = try await existing(id)
        try await store.delete(id: id)
        try await record(.assistantDelete, target: id, before: before.auditJSON)
    }

    /// The assistant with this id, if the API may change it.
    func existing(_ id: String) async throws -> Assistant {
        guard let assistant = try await store.assistant(id: id) else { throw AdministrationError.notFound("assistant", id) }
        if let file = assistant.managedBy { throw AdministrationError.managedByConfig("assistant", id, file: file) }
        return assistant
    }

    /// The assistant with its teams as ids (given as ids or names), after checking the field rules, that the
    /// id is no model's, that the base model is served and that the teams exist.
    func checked(_ assistant: Assistant) async throws -> Assistant {
        var assistant = assistant
        try assistant.validate()
        if modelIDs.contains(assistant.id) { throw AssistantStoreError.duplicate(assistant.id) }
        guard modelIDs.contains(assistant.model) else {
            throw AssistantStoreError.invalid("model", "'\(assistant.model)' is not a model served here")
        }
        if let identities {
            var ids: [String] = []
            for team in assistant.teamIDs {
                guard let found = try await identities.team(idOrName: team) else {
                    throw AssistantStoreError.invalid("teams", "'\(team)' is not a team")
                }
                if !ids.contains(found.id) { ids.append(found.id) }
            }
            assistant.teamIDs = ids
        }
        return assistant
    }

    private func record(_ action: AuditAction, target: String, before: AuditJSON? = nil, after: AuditJSON? = nil) async throws {
        try await audit.record(AuditEntry(time: wallClock.now(), action: action, actor: .current, target: target, before: before, after: after))
    }
}
