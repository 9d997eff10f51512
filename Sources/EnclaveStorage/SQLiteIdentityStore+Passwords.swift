// Enclave storage: users' password hashes in SQLite.

public import EnclaveCore

/// The identity store keeps the password hashes too, in the user table's `passwordHash` column
/// (``SQLiteIdentityStore/passwordHash(userID:)`` and ``SQLiteIdentityStore/setPasswordHash(_:userID:)``).
extension SQLiteIdentityStore: PasswordStore {}
