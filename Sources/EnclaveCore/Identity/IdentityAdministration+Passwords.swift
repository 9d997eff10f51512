// Enclave: setting users' passwords, with their rules.

extension IdentityAdministration {
    /// Sets a user's password (found by id, name or e-mail): checks its shape, stores its bcrypt hash and
    /// ends the user's web sessions, except `keptSession` (the session of a user who changes their own).
    /// - Returns: The user.
    /// - Throws: ``AdministrationError`` `notFound` or `managedByConfig` (a declared user's password is
    ///   declared too); ``IdentityStoreError`` `invalidField` (field `password`) for a password
    ///   ``PasswordHasher/problem(with:)`` refuses.
    @discardableResult
    public func setPassword(_ password: String, of idOrLogin: String, hasher: PasswordHasher, keptSession: String? = nil) async throws -> User {
        let user = try await existingUser(idOrLogin)
        if let file = user.managedBy { throw AdministrationError.managedByConfig("user", user.name, file: file) }
        let hash = try await hasher.hash(password)
        try await stores.passwords.setPasswordHash(hash, userID: user.id)
        for session in try await stores.sessions.sessions(ofUser: user.id) where session.id != keptSession {
            try await stores.sessions.deleteSession(id: session.id)
        }
        return user
    }
}
