// Enclave: who may see a collection.

extension Principal {
    /// Whether the principal may read and write `collection` (list it, upload to it, retrieve from it):
    /// admins (an admin user with the `admin` scope) may use every collection; others only their teams'. Routes answer 404 for any other, as if
    /// it did not exist.
    public func mayAccess(_ collection: KnowledgeCollection) -> Bool {
        if isAdmin { return true }
        return teams.contains { collection.teamIDs.contains($0.id) }
    }
}
