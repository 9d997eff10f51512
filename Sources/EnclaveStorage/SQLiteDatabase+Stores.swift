// Enclave storage: every store over one database.

public import EnclaveCore

extension SQLiteDatabase {
    /// The SQLite implementation of every store, over this database.
    public func stores() -> EnclaveStores {
        let identities = SQLiteIdentityStore(database: self)
        return EnclaveStores(
            keys: SQLiteKeyStore(database: self),
            identities: identities,
            usage: SQLiteUsageStore(database: self),
            passwords: identities,
            sessions: SQLiteSessionStore(database: self),
            audit: SQLiteAuditLog(database: self)
        )
    }
}
