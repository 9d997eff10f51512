// Enclave: who may use an assistant.

extension Principal {
    /// Whether the principal may use `assistant`: never a disabled one; admins (admin scope) always;
    /// others when they belong to one of its teams (none: admins only). The key's `models` list applies
    /// too: an assistant's id is a model name there.
    public func mayUse(assistant: Assistant) -> Bool {
        guard !assistant.isDisabled, mayUse(model: assistant.id) else { return false }
        if isAdmin { return true }
        return teams.contains { assistant.teamIDs.contains($0.id) }
    }
}
