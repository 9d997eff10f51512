// Enclave testing: users' password hashes in memory.

public import EnclaveCore

/// The in-memory identity store keeps the password hashes too, apart from the users.
extension InMemoryIdentityStore: PasswordStore {}
