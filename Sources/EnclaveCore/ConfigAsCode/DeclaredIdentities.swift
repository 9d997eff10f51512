// Enclave: the teams, users and keys a configuration file declares.

/// What the `teams:`, `users:` and `keys:` sections of a configuration file declare. At start,
/// ``ConfigurationReconciler`` makes the database match it; `enclave config validate` checks it.
///
/// ```yaml
/// teams:
///   - name: research
///     weight: 3
/// users:
///   - name: alice
///     teams: [research]
/// keys:
///   - name: ci
///     user: alice
///     secret: ${CI_KEY}
/// ```
public struct DeclaredIdentities: Sendable, Hashable {
    /// The declared teams, in file order.
    public var teams: [DeclaredTeam]
    /// The declared users, in file order.
    public var users: [DeclaredUser]
    /// The declared API keys, in file order.
    public var keys: [DeclaredKey]

    /// Creates declarations; nothing is declared by default.
    public init(teams: [DeclaredTeam] = [], users: [DeclaredUser] = [], keys: [DeclaredKey] = []) {
        self.teams = teams
        self.users = users
        self.keys = keys
    }

    /// Whether the file declares no team, user or key.
    public var isEmpty: Bool { teams.isEmpty && users.isEmpty && keys.isEmpty }
}

/// Where a declaration is in its file (1-based), for errors that point at it.
public struct DeclarationLocation: Sendable, Hashable, CustomStringConvertible {
    /// The line.
    public var line: Int
    /// The column.
    public var column: Int

    /// Creates a location.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `LINE:COLUMN`.
    public var description: String { "\(line):\(column)" }
}
