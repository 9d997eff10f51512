// Enclave: one change that reconciling the configuration made to the database.

/// What ``ConfigurationReconciler`` changed in one team, user or key, with the entity before and after as
/// plain fields. Secrets are never among them: a password is only `set` or `none`, a key shows its
/// display prefix, never its hash. The server logs a summary of these at start; the audit log records them.
///
/// ```swift
/// for change in try await reconciler.reconcile(configuration.identities) { logger.info("\(change)") }
/// ```
public struct ConfigurationChange: Sendable, Hashable, CustomStringConvertible {
    /// The kind of entity changed.
    public enum Kind: String, Sendable, Hashable {
        /// A team.
        case team
        /// A user (with their team memberships and password).
        case user
        /// An API key.
        case key
        /// An assistant (`assistants:`).
        case assistant
        /// A knowledge collection (`collections:`).
        case collection
    }

    /// What was done to it.
    public enum Action: String, Sendable, Hashable {
        /// Created, as declared.
        case created
        /// Changed to match its declaration (re-enabled or un-revoked included).
        case updated
        /// Disabled: the team or user is no longer declared (never deleted).
        case disabled
        /// Revoked: the key is no longer declared, or its secret changed (never deleted).
        case revoked
    }

    /// The kind of entity.
    public var kind: Kind
    /// What was done.
    public var action: Action
    /// The entity's id.
    public var id: String
    /// The entity's name.
    public var name: String
    /// The entity before the change; `nil` when it was created.
    public var before: [String: String]?
    /// The entity after the change.
    public var after: [String: String]
    /// The fields that changed, sorted (`password` when a password was set, changed or removed).
    public var fields: [String]

    /// Creates a change.
    public init(kind: Kind, action: Action, id: String, name: String, before: [String: String]?, after: [String: String], fields: [String]) {
        self.kind = kind
        self.action = action
        self.id = id
        self.name = name
        self.before = before
        self.after = after
        self.fields = fields
    }

    /// Creates a change whose ``fields`` are those that differ between `before` and `after` (every field of a
    /// new entity), plus `also` (fields kept out of both, such as `password`).
    public init(
        kind: Kind,
        action: Action,
        id: String,
        name: String,
        before: [String: String]?,
        after: [String: String],
        also extra: [String] = []
    ) {
        let fields = Set(after.keys.filter { before?[$0] != after[$0] } + extra).sorted()
        self.init(kind: kind, action: action, id: id, name: name, before: before, after: after, fields: fields)
    }

    /// `user alice (usr_…) updated: role, teams`.
    public var description: String {
        let what = "\(kind.rawValue) \(name) (\(id)) \(action.rawValue)"
        return action == .updated && !fields.isEmpty ? "\(what): \(fields.joined(separator: ", "))" : what
    }
}
