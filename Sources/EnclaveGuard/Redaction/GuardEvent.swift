// Enclave guardrails: one action taken, as the audit log and the metrics record it.

/// What the guardrails did, counted: which entity (and finer kind), which action, on which side, how many
/// times. Events never carry the matched text, so they can go to the audit log, logs and metrics as they are.
public struct GuardEvent: Sendable, Hashable, Codable {
    /// What was found.
    public var entity: GuardEntity
    /// The detector's finer name (`aws_access_key_id`), if it gave one.
    public var kind: String?
    /// What the policy did.
    public var action: GuardAction
    /// On which side of the model.
    public var direction: GuardDirection
    /// How many findings this event counts.
    public var count: Int

    /// Creates an event.
    public init(entity: GuardEntity, kind: String? = nil, action: GuardAction, direction: GuardDirection, count: Int = 1) {
        self.entity = entity
        self.kind = kind
        self.action = action
        self.direction = direction
        self.count = count
    }
}

extension [GuardEvent] {
    /// Counts one finding: adds 1 to the event with the same entity, kind, action and direction, or appends one.
    mutating func record(_ entity: GuardEntity, kind: String?, action: GuardAction, direction: GuardDirection) {
        if let index = firstIndex(where: { $0.entity == entity && $0.kind == kind && $0.action == action && $0.direction == direction }) {
            self[index].count += 1
        } else {
            append(GuardEvent(entity: entity, kind: kind, action: action, direction: direction))
        }
    }
}
