// Enclave: a group of users that shares limits and a scheduling weight.

public import Foundation

/// A team: users share its limits, and the scheduler divides the engine between teams by their weights.
public struct Team: Sendable, Hashable, Identifiable {
    /// A random identifier (`team_` and 16 hex digits).
    public var id: String
    /// The unique name.
    public var name: String
    /// The team's share of the engine relative to other teams' (1 to ``maximumWeight``).
    public var weight: Int
    /// A disabled team no longer gives its members its limits or its weight.
    public var isDisabled: Bool
    /// When the team was created.
    public var createdAt: Date
    /// The configuration file that declares this team; `nil` if it was made through the API or the CLI.
    public var managedBy: String?

    /// The largest scheduling weight.
    public static let maximumWeight = 1000

    /// Creates a team record.
    public init(id: String, name: String, weight: Int = 1, isDisabled: Bool = false, createdAt: Date, managedBy: String? = nil) {
        self.id = id
        self.name = name
        self.weight = weight
        self.isDisabled = isDisabled
        self.createdAt = createdAt
        self.managedBy = managedBy
    }
}
