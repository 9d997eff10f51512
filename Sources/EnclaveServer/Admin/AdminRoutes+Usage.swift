// Enclave server: /admin/v1/usage.

import EnclaveCore
import EnclaveOpenAI
import Hummingbird

extension AdminRoutes {
    /// One line of `GET /admin/v1/usage`.
    struct UsageLine: Encodable {
        var day: String
        var group: String?
        var name: String?
        var requests: Int
        var promptTokens: Int
        var completionTokens: Int
        var totalTokens: Int

        enum CodingKeys: String, CodingKey {
            case day, group, name, requests
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
        }
    }

    /// `GET /admin/v1/usage?since=YYYY-MM-DD&until=YYYY-MM-DD&by=user|team|model|key`: tokens and
    /// requests by UTC day and group (by default this month so far, by user), with user and team names.
    func addUsageRoutes(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("usage") { request, _ in
            let query = request.uri.queryParameters
            let today = UsageDay(administration.wallClock.now())
            let since = try Self.day(query.get("since"), parameter: "since") ?? today.firstOfMonth
            let until = try Self.day(query.get("until"), parameter: "until") ?? today
            let byName = query.get("by") ?? UsageGrouping.user.rawValue
            guard let grouping = UsageGrouping(rawValue: byName) else {
                throw OpenAIError.invalidRequest(
                    "Invalid 'by': use \(UsageGrouping.allCases.map(\.rawValue).joined(separator: ", ")).",
                    param: "by",
                    code: "invalid_value"
                )
            }
            var names: [String: String] = [:]
            if grouping == .user { for user in try await stores.identities.users() { names[user.id] = user.name } }
            if grouping == .team { for team in try await stores.identities.teams() { names[team.id] = team.name } }
            let rows = try await stores.usage.usage(from: since, through: until, by: grouping)
            let lines = rows.map { row in
                UsageLine(
                    day: row.day.description,
                    group: row.group,
                    name: row.group.flatMap { names[$0] },
                    requests: row.totals.requests,
                    promptTokens: row.totals.promptTokens,
                    completionTokens: row.totals.completionTokens,
                    totalTokens: row.totals.totalTokens
                )
            }
            return try Self.json(AdminObjects.List(data: lines))
        }
    }

    /// A `YYYY-MM-DD` query parameter.
    static func day(_ text: String?, parameter: String) throws -> UsageDay? {
        guard let text else { return nil }
        guard let day = UsageDay(text) else {
            throw OpenAIError.invalidRequest("Invalid '\(parameter)': use a date such as 2026-12-01.", param: parameter, code: "invalid_value")
        }
        return day
    }
}
