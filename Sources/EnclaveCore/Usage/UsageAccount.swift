// Enclave: whom a request's usage is charged to.

public import Foundation

/// The user, team, key and model a request is charged to: its limit subjects and the row its usage is
/// added to.
///
/// ```swift
/// let account = UsageAccount(userID: "usr_1", teamID: "team_ops", keyID: "k_1", model: "smollm2")
/// let subjects = configuration.limits.subjects(for: account)
/// ```
public struct UsageAccount: Sendable, Hashable {
    /// The user.
    public var userID: String
    /// The team the request counts for, if any.
    public var teamID: String?
    /// The API key, if the request came with one.
    public var keyID: String?
    /// The model's id.
    public var model: String

    /// Creates an account.
    public init(userID: String, teamID: String? = nil, keyID: String? = nil, model: String) {
        self.userID = userID
        self.teamID = teamID
        self.keyID = keyID
        self.model = model
    }

    /// The key, user and team as limit subjects, each with its policy.
    public func subjects(key: LimitPolicy, user: LimitPolicy, team: LimitPolicy) -> [LimitedSubject] {
        var subjects: [LimitedSubject] = []
        if let keyID { subjects.append(LimitedSubject(.key(keyID), policy: key)) }
        subjects.append(LimitedSubject(.user(userID), policy: user))
        if let teamID { subjects.append(LimitedSubject(.team(teamID), policy: team)) }
        return subjects
    }

    /// The usage record of one request of this account that ended at `date`.
    public func record(at date: Date, promptTokens: Int, completionTokens: Int) -> UsageRecord {
        UsageRecord(
            date: date,
            userID: userID,
            teamID: teamID,
            model: model,
            keyID: keyID,
            promptTokens: promptTokens,
            completionTokens: completionTokens
        )
    }
}
