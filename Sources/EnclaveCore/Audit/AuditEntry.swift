// Enclave: what is written into the audit log, before it gets its place in the chain.

public import Foundation

/// An event to append to the audit log: everything an ``AuditRecord`` holds except its sequence number
/// and hashes, which the log assigns. It never holds prompt or completion text, passwords, key secrets or
/// their hashes: requests record counts and names, changes record entities with their secrets left out.
///
/// ```swift
/// let entry = AuditEntry(time: now, action: .keyRevoke, actor: .current, target: key.id, after: key.auditJSON)
/// ```
public struct AuditEntry: Sendable, Hashable {
    /// When it happened, kept to the (nearest) millisecond, the canonical encoding's precision.
    public var time: Date {
        didSet { time = Self.milliseconds(time) }
    }
    /// What happened.
    public var action: AuditAction
    /// Who did it.
    public var actor: AuditActor
    /// What it was done to: a user, team or key id, or the route of a request.
    public var target: String?
    /// How it ended.
    public var outcome: AuditOutcome
    /// The HTTP status answered, for requests.
    public var status: Int?
    /// The model (or assistant) asked for.
    public var model: String?
    /// Prompt tokens counted.
    public var promptTokens: Int?
    /// Completion tokens generated.
    public var completionTokens: Int?
    /// From the request's arrival to its record, in milliseconds.
    public var latencyMilliseconds: Int?
    /// Why it was refused or failed: an error code (`rate_limit_exceeded`, `invalid_api_key`), never text
    /// the client sent.
    public var reason: String?
    /// The request id (`X-Request-Id`), to find the request's log line.
    public var requestID: String?
    /// The entity before a change (secrets excluded).
    public var before: AuditJSON?
    /// The entity after a change (secrets excluded); for a request, what was done to it, such as its
    /// guardrail actions (`{"guardrails": [{"detector", "kind", "action", "direction", "count"}]}`).
    public var after: AuditJSON?

    /// Creates an entry; `time` is rounded to the millisecond.
    public init(
        time: Date,
        action: AuditAction,
        actor: AuditActor = AuditActor.current,
        target: String? = nil,
        outcome: AuditOutcome = .success,
        status: Int? = nil,
        model: String? = nil,
        promptTokens: Int? = nil,
        completionTokens: Int? = nil,
        latencyMilliseconds: Int? = nil,
        reason: String? = nil,
        requestID: String? = nil,
        before: AuditJSON? = nil,
        after: AuditJSON? = nil
    ) {
        self.time = Self.milliseconds(time)
        self.action = action
        self.actor = actor
        self.target = target
        self.outcome = outcome
        self.status = status
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latencyMilliseconds = latencyMilliseconds
        self.reason = reason
        self.requestID = requestID
        self.before = before
        self.after = after
    }

    /// The time as whole milliseconds since 1970 (what the canonical encoding and the database hold).
    public var timeMilliseconds: Int64 { Int64((time.timeIntervalSince1970 * 1000).rounded()) }

    /// `date` rounded to the nearest whole millisecond.
    public static func milliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(Int64((date.timeIntervalSince1970 * 1000).rounded())) / 1000)
    }

    /// Throws unless the entry can be stored: a well-formed action and no negative count.
    /// - Throws: ``AuditLogError`` `invalidEntry`.
    public func validate() throws {
        guard action.isWellFormed else {
            throw AuditLogError.invalidEntry("the action '\(action)' is not 1 to 64 characters of a-z, 0-9, '_' and '.'")
        }
        guard !outcome.rawValue.isEmpty else { throw AuditLogError.invalidEntry("the outcome is empty") }
        for (name, value) in [("prompt tokens", promptTokens), ("completion tokens", completionTokens), ("latency", latencyMilliseconds)] {
            if let value, value < 0 { throw AuditLogError.invalidEntry("negative \(name): \(value)") }
        }
    }
}
