// Enclave: a team declared in the configuration file.

/// An entry of `teams:`.
public struct DeclaredTeam: Sendable, Hashable {
    /// The team's unique name (`name`).
    public var name: String
    /// Its scheduling weight (`weight`, default 1).
    public var weight: Int
    /// The team's own rate limits and budgets (`limits`), replacing `limits.per_team` for it; `nil`: the default.
    public var limits: LimitPolicy?
    /// Where the entry starts in the file.
    public var location: DeclarationLocation?

    /// Creates a declaration.
    public init(name: String, weight: Int = 1, location: DeclarationLocation? = nil) {
        self.name = name
        self.weight = weight
        self.location = location
    }
}
