// Enclave: making and checking users.

public import Foundation

extension User {
    /// The longest e-mail address.
    public static let maximumEmailLength = 254

    /// A new user with a random id.
    /// - Throws: ``IdentityStoreError`` `invalidField` for a name or e-mail that ``validate()`` rejects.
    public static func make(name: String, email: String? = nil, role: Role = .member, at date: Date) throws -> User {
        let user = User(id: RandomIdentifier.make(prefix: "usr_"), name: name, email: email, role: role, createdAt: date)
        try user.validate()
        return user
    }

    /// Checks the name (``NameRules``, and not shaped like a user id), the e-mail (one `@` with text on both
    /// sides, no spaces, at most 254 characters) and the role.
    /// - Throws: ``IdentityStoreError`` `invalidField`.
    public func validate() throws {
        if let problem = NameRules.problem(with: name) { throw IdentityStoreError.invalidField("name", "'\(name)': \(problem)") }
        if name.hasPrefix("usr_") { throw IdentityStoreError.invalidField("name", "'\(name)': it must not start with 'usr_'") }
        if let email {
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            let valid =
                parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && email.count <= Self.maximumEmailLength
                && !email.unicodeScalars.contains { CharacterSet.whitespacesAndNewlines.contains($0) || $0.value < 0x20 }
            if !valid { throw IdentityStoreError.invalidField("email", "'\(email)' is not an e-mail address") }
        }
        guard Role.all.contains(role) else {
            throw IdentityStoreError.invalidField("role", "'\(role)': use \(Role.all.map(\.rawValue).joined(separator: " or "))")
        }
    }
}

extension Team {
    /// A new team with a random id.
    /// - Throws: ``IdentityStoreError`` `invalidField` for a name or weight that ``validate()`` rejects.
    public static func make(name: String, weight: Int = 1, at date: Date) throws -> Team {
        let team = Team(id: RandomIdentifier.make(prefix: "team_"), name: name, weight: weight, createdAt: date)
        try team.validate()
        return team
    }

    /// Checks the name (``NameRules``, and not shaped like a team id) and the weight (1 to ``maximumWeight``).
    /// - Throws: ``IdentityStoreError`` `invalidField`.
    public func validate() throws {
        if let problem = NameRules.problem(with: name) { throw IdentityStoreError.invalidField("name", "'\(name)': \(problem)") }
        if name.hasPrefix("team_") { throw IdentityStoreError.invalidField("name", "'\(name)': it must not start with 'team_'") }
        guard (1...Self.maximumWeight).contains(weight) else {
            throw IdentityStoreError.invalidField("weight", "\(weight): use a whole number from 1 to \(Self.maximumWeight)")
        }
    }
}
