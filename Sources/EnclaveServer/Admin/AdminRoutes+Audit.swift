// Enclave server: /admin/v1/audit.

import EnclaveCore
import EnclaveOpenAI
import Foundation
import Hummingbird

extension AdminRoutes {
    /// A page of `GET /admin/v1/audit`.
    struct AuditList: Encodable {
        var object = "list"
        var data: [AuditJSON]
        var nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case object, data
            case nextCursor = "next_cursor"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(object, forKey: .object)
            try container.encode(data, forKey: .data)
            try container.encode(nextCursor, forKey: .nextCursor)  // null on the last page
        }
    }

    /// `GET /admin/v1/audit?since=&until=&user=&action=&limit=&cursor=`: audit records, newest first, in
    /// pages of `limit` (default 100, at most 1000); `next_cursor` fetches the next (older) page. `since`
    /// and `until` take a day (`2026-12-01`) or an ISO 8601 time; `user` a user's id or name (records by
    /// or about them); `action` an action name (`request`, `key.create`, …).
    func addAuditRoutes(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("audit") { request, _ in
            let query = try await auditQuery(request.uri.queryParameters)
            let page = try await stores.audit.page(query)
            return try Self.json(AuditList(data: page.records.map(\.exportJSON), nextCursor: page.nextCursor.map(String.init)))
        }
    }

    /// The query of `GET /admin/v1/audit`, checked.
    func auditQuery(_ parameters: Parameters) async throws -> AuditQuery {
        var query = AuditQuery()
        func time(_ name: String) throws -> Date? {
            guard let text = parameters.get(name) else { return nil }
            guard let date = AuditTime.parse(text) else {
                throw OpenAIError.invalidRequest(
                    "Invalid '\(name)': use a day such as 2026-12-01 or a time such as 2026-12-01T09:30:00Z.",
                    param: name,
                    code: "invalid_value"
                )
            }
            return date
        }
        query.since = try time("since")
        query.until = try time("until")
        if let user = parameters.get("user") {
            query.userID = try await stores.identities.user(idOrLogin: user)?.id ?? user
        }
        if let name = parameters.get("action") {
            let action = AuditAction(rawValue: name)
            guard action.isWellFormed else {
                throw OpenAIError.invalidRequest(
                    "Invalid 'action': an action is a name such as request, login_failed or key.create.",
                    param: "action",
                    code: "invalid_value"
                )
            }
            query.action = action
        }
        if let text = parameters.get("limit") {
            guard let limit = Int(text), (1...AuditQuery.maximumLimit).contains(limit) else {
                throw OpenAIError.invalidRequest(
                    "Invalid 'limit': must be an integer from 1 to \(AuditQuery.maximumLimit), got '\(text.prefix(32))'.",
                    param: "limit",
                    code: "invalid_value"
                )
            }
            query.limit = limit
        }
        if let text = parameters.get("cursor") {
            guard let cursor = Int64(text), cursor > 0 else {
                throw OpenAIError.invalidRequest(
                    "Invalid 'cursor': use the next_cursor of the previous page.",
                    param: "cursor",
                    code: "invalid_value"
                )
            }
            query.before = cursor
        }
        return query
    }
}
