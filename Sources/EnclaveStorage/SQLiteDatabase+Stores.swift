// Enclave storage: every store over one database.

public import EnclaveCore

extension SQLiteDatabase {
    /// The SQLite implementation of every store, over this database.
    public func stores() -> EnclaveStores {
        EnclaveStores(
            keys: SQLiteKeyStore(database: self),
            identities: SQLiteIdentityStore(database: self),
            usage: SQLiteUsageStore(database: self),
            audit: SQLiteAuditLog(database: self)
        )
    }
}
