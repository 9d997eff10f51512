// Enclave: the stores a server runs on, passed around as one value.

/// The stores behind the server, the CLI and the admin API: SQLite in `enclave serve`
/// (`SQLiteDatabase.stores()`), in memory in tests (`EnclaveStores.inMemory()`).
public struct EnclaveStores: Sendable {
    /// API keys.
    public var keys: any KeyStore
    /// Users, teams and membership.
    public var identities: any IdentityStore
    /// Tokens and requests by day, user, team, model and key.
    public var usage: any UsageStore
    /// Users' password hashes (the identity store, in both implementations).
    public var passwords: any PasswordStore
    /// Web sessions.
    public var sessions: any SessionStore
    /// The tamper-evident audit log (also the ``AuditEventSink`` other parts record events to).
    public var audit: any AuditLog

    /// Bundles stores.
    public init(
        keys: any KeyStore,
        identities: any IdentityStore,
        usage: any UsageStore,
        passwords: any PasswordStore,
        sessions: any SessionStore,
        audit: any AuditLog
    ) {
        self.keys = keys
        self.identities = identities
        self.usage = usage
        self.passwords = passwords
        self.sessions = sessions
        self.audit = audit
    }
}
