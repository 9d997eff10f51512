// Enclave: which audit records to list, and a page of them.

public import Foundation

/// A filter over the audit log, newest records first (`GET /admin/v1/audit`).
public struct AuditQuery: Sendable, Hashable {
    /// Records at or after this time.
    public var since: Date?
    /// Records before this time.
    public var until: Date?
    /// Records of this actor's user id, or with this target.
    public var userID: String?
    /// Records of this action.
    public var action: AuditAction?
    /// The most records in one page (1 to ``maximumLimit``).
    public var limit: Int
    /// Records with a sequence number below this one: the previous page's ``AuditPage/nextCursor``.
    public var before: Int64?

    /// The largest page.
    public static let maximumLimit = 1000

    /// Creates a query: the newest 100 records by default.
    public init(since: Date? = nil, until: Date? = nil, userID: String? = nil, action: AuditAction? = nil, limit: Int = 100, before: Int64? = nil) {
        self.since = since
        self.until = until
        self.userID = userID
        self.action = action
        self.limit = limit
        self.before = before
    }

    /// Whether `record` matches the filter (the cursor and the limit aside).
    public func matches(_ record: AuditRecord) -> Bool {
        if let since, record.time < since { return false }
        if let until, record.time >= until { return false }
        if let userID, record.actor.userID != userID && record.target != userID { return false }
        if let action, record.action != action { return false }
        if let before, record.sequence >= before { return false }
        return true
    }
}

/// One page of audit records, newest first.
public struct AuditPage: Sendable, Hashable {
    /// The records.
    public var records: [AuditRecord]
    /// The cursor of the next (older) page, or `nil` if this is the last.
    public var nextCursor: Int64?

    /// Creates a page.
    public init(records: [AuditRecord], nextCursor: Int64?) {
        self.records = records
        self.nextCursor = nextCursor
    }
}
