// Enclave server: the limits part of GET /v1/me.

import EnclaveCore
import EnclaveGateway

extension MeRoutes {
    /// The caller's limits in `GET /v1/me`: every limit that applies to their key, user and team, and
    /// where they stand against the tightest request and token limit now (what the `x-ratelimit-*`
    /// headers of their next answer would report, taking nothing).
    struct Limits: Encodable {
        /// The subjects that have at least one limit, key first.
        var subjects: [Subject]
        /// The tightest request limit; `nil` when none applies.
        var requests: Window?
        /// The tightest token limit (per minute, day or month); `nil` when none applies.
        var tokens: Window?

        struct Subject: Encodable {
            var kind: String
            var id: String
            var requestsPerMinute: Int?
            var tokensPerMinute: Int?
            var tokensPerDay: Int?
            var tokensPerMonth: Int?

            enum CodingKeys: String, CodingKey {
                case kind, id
                case requestsPerMinute = "requests_per_minute"
                case tokensPerMinute = "tokens_per_minute"
                case tokensPerDay = "tokens_per_day"
                case tokensPerMonth = "tokens_per_month"
            }
        }

        struct Window: Encodable {
            var kind: String
            var id: String
            var limit: String
            var maximum: Int
            var remaining: Int
            var resetSeconds: Double

            enum CodingKeys: String, CodingKey {
                case kind, id, limit, maximum, remaining
                case resetSeconds = "reset_seconds"
            }

            init(_ window: LimitStatus.Window) {
                kind = window.subject.kind.description
                id = window.subject.id
                limit = window.limit.configurationKey
                maximum = window.maximum
                remaining = window.remaining
                resetSeconds = (window.resetAfter * 1000).rounded() / 1000
            }
        }
    }

    /// The limits of `principal`, by the configured policies and the gate's counters.
    func limits(of principal: Principal) async -> Limits {
        let account = UsageAccount(userID: principal.id, teamID: principal.primaryTeam?.id, keyID: principal.keyID, model: "")
        let subjects = limitsConfiguration.subjects(for: account).filter { !$0.policy.isUnlimited }
        let status = await limitGate?.status(subjects) ?? .unlimited
        return Limits(
            subjects: subjects.map {
                Limits.Subject(
                    kind: $0.subject.kind.description,
                    id: $0.subject.id,
                    requestsPerMinute: $0.policy.requestsPerMinute,
                    tokensPerMinute: $0.policy.tokensPerMinute,
                    tokensPerDay: $0.policy.tokensPerDay,
                    tokensPerMonth: $0.policy.tokensPerMonth
                )
            },
            requests: status.requests.map(Limits.Window.init),
            tokens: status.tokens.map(Limits.Window.init)
        )
    }
}
