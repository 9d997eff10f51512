// Enclave: what a limit applies to.

/// An API key, a user or a team, by its id: whatever a rate limit or a budget is counted for.
///
/// The id is a plain string (`k_…`, `usr_…`, `team_…`), so limits depend on no identity type.
///
/// ```swift
/// let subject = LimitSubject.team("team_ops")
/// subject.description   // "team team_ops"
/// ```
public struct LimitSubject: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The kind of subject.
    public struct Kind: Sendable, Hashable, Comparable, CustomStringConvertible {
        private enum Base: Int, Sendable, Hashable {
            case key, user, team
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// An API key.
        public static let key = Kind(.key)
        /// A user.
        public static let user = Kind(.user)
        /// A team.
        public static let team = Kind(.team)

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.base.rawValue < rhs.base.rawValue }

        /// `key`, `user` or `team`.
        public var description: String {
            switch base {
            case .key: "key"
            case .user: "user"
            case .team: "team"
            }
        }
    }

    /// The kind.
    public var kind: Kind
    /// The key's, user's or team's id.
    public var id: String

    /// Creates a subject.
    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// An API key.
    public static func key(_ id: String) -> LimitSubject { LimitSubject(kind: .key, id: id) }
    /// A user.
    public static func user(_ id: String) -> LimitSubject { LimitSubject(kind: .user, id: id) }
    /// A team.
    public static func team(_ id: String) -> LimitSubject { LimitSubject(kind: .team, id: id) }

    /// Keys first, then users, then teams; by id within a kind.
    public static func < (lhs: LimitSubject, rhs: LimitSubject) -> Bool { (lhs.kind, lhs.id) < (rhs.kind, rhs.id) }

    /// `key k_…`, `user usr_…` or `team team_…`.
    public var description: String { "\(kind) \(id)" }
}
