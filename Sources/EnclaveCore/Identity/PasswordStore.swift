// Enclave core: where users' password hashes are kept.

/// Keeps the bcrypt hash of each user's password; a user without one cannot log in with a password.
public protocol PasswordStore: Sendable {
    /// The bcrypt hash of the user's password, or `nil` when the user has none.
    func passwordHash(userID: String) async throws -> String?
    /// Sets or, with `nil`, removes the user's password hash.
    func setPasswordHash(_ hash: String?, userID: String) async throws
}
