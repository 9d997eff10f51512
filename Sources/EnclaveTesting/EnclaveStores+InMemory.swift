// Enclave testing: every store in memory.

public import EnclaveCore

extension EnclaveStores {
    /// Fresh in-memory stores.
    public static func inMemory() -> EnclaveStores {
        let identities = InMemoryIdentityStore()
        return EnclaveStores(
            keys: InMemoryKeyStore(),
            identities: identities,
            usage: InMemoryUsageStore(),
            passwords: identities,
            sessions: InMemorySessionStore(),
            audit: InMemoryAuditLog()
        )
    }
}
