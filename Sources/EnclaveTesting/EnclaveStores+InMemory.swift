// Enclave testing: every store in memory.

public import EnclaveCore

extension EnclaveStores {
    /// Fresh in-memory stores.
    public static func inMemory() -> EnclaveStores {
        EnclaveStores(keys: InMemoryKeyStore(), identities: InMemoryIdentityStore(), usage: InMemoryUsageStore(), audit: InMemoryAuditLog())
    }
}
