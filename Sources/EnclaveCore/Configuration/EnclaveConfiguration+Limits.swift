// Enclave: reading the `limits:` section, and limit policies wherever they appear.

import Yams

extension EnclaveConfiguration {
    /// The keys of `limits:`.
    static let limitsKeys = ["max_body_bytes", "max_tokens", "queue_length", "queue_length_per_principal", "per_key", "per_user", "per_team"]

    /// The keys of a policy with rates and budgets (users and teams).
    static let policyKeys = LimitPolicy.Limit.allCases.map(\.configurationKey)

    /// The keys of a policy with rates only (API keys).
    static let ratePolicyKeys = LimitPolicy.Limit.allCases.filter { !$0.isBudget }.map(\.configurationKey)

    /// The largest value of a limit.
    static let limitRange = 1...(1 << 50)

    static func readLimits(_ node: Node, into limits: inout LimitsConfiguration, reader: ConfigurationReader) throws {
        let entries = try reader.mapping(node, at: "limits", allowed: limitsKeys)
        if let value = entries["max_body_bytes"] {
            limits.maxBodyBytes = try reader.byteCount(value, at: "limits.max_body_bytes", in: 1024...(1 << 30))
        }
        if let value = entries["max_tokens"], !reader.isNull(value) {
            limits.maxTokens = try reader.int(value, at: "limits.max_tokens", in: 1...(1 << 24))
        }
        if let value = entries["queue_length"] {
            limits.queueLength = try reader.int(value, at: "limits.queue_length", in: 0...100_000)
        }
        if let value = entries["queue_length_per_principal"], !reader.isNull(value) {
            limits.queueLengthPerPrincipal = try reader.int(value, at: "limits.queue_length_per_principal", in: 0...100_000)
        }
        if let value = entries["per_key"] {
            limits.perKey = try readLimitPolicy(value, at: "limits.per_key", budgets: false, reader: reader)
        }
        if let value = entries["per_user"] {
            limits.perUser = try readLimitPolicy(value, at: "limits.per_user", reader: reader)
        }
        if let value = entries["per_team"] {
            limits.perTeam = try readLimitPolicy(value, at: "limits.per_team", reader: reader)
        }
    }

    /// Reads a limit policy: a mapping with any of `requests_per_minute`, `tokens_per_minute` and (when
    /// `budgets` is true) `tokens_per_day`, `tokens_per_month`, each a positive integer or `~` (no limit).
    /// `~` or an empty value for the whole mapping is no limit at all. Any other key is an error naming the
    /// line and the known keys. Reused for the `limits:` blocks of teams and users.
    ///
    /// ```yaml
    /// per_user:
    ///   requests_per_minute: 60
    ///   tokens_per_day: 200_000
    /// ```
    /// - Parameters:
    ///   - path: The mapping's key path for errors, such as `teams[0].limits`.
    ///   - budgets: Whether the day and month budgets are allowed (users and teams; not API keys).
    static func readLimitPolicy(_ node: Node, at path: String, budgets: Bool = true, reader: ConfigurationReader) throws -> LimitPolicy {
        guard !reader.isNull(node) else { return .unlimited }
        let entries = try reader.mapping(node, at: path, allowed: budgets ? policyKeys : ratePolicyKeys)
        var policy = LimitPolicy()
        for limit in LimitPolicy.Limit.allCases {
            guard let value = entries[limit.configurationKey], !reader.isNull(value) else { continue }
            policy[limit] = try reader.int(value, at: "\(path).\(limit.configurationKey)", in: limitRange)
        }
        return policy
    }
}

extension LimitsConfiguration {
    /// The key, user and team of `account` with the default policies (`per_key`, `per_user`, `per_team`).
    /// A user or team with its own limits (``overrides``) replaces the default with them.
    public func subjects(for account: UsageAccount) -> [LimitedSubject] {
        account.subjects(
            key: perKey,
            user: overrides[.user(account.userID)] ?? perUser,
            team: account.teamID.flatMap { overrides[.team($0)] } ?? perTeam
        )
    }
}
