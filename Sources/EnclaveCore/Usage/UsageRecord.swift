// Enclave: the usage of one finished request, as the usage store records it.

public import Foundation

/// What one request used, and whom it is charged to. A ``UsageStore`` adds it to the totals of its day,
/// user, team, model and key.
///
/// ```swift
/// try await store.record(UsageRecord(date: now, userID: "usr_1", teamID: "team_ops", model: "smollm2",
///                                    keyID: "k_1", promptTokens: 12, completionTokens: 40))
/// ```
public struct UsageRecord: Sendable, Hashable {
    /// When the request ended; its UTC day is the day it counts for.
    public var date: Date
    /// The user charged.
    public var userID: String
    /// The team charged, if any.
    public var teamID: String?
    /// The model's id.
    public var model: String
    /// The API key used, if any (`nil` for a browser session).
    public var keyID: String?
    /// How many requests (1 for one request).
    public var requests: Int
    /// Tokens of the prompt(s).
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int

    /// Creates a record.
    public init(
        date: Date,
        userID: String,
        teamID: String? = nil,
        model: String,
        keyID: String? = nil,
        requests: Int = 1,
        promptTokens: Int,
        completionTokens: Int
    ) {
        self.date = date
        self.userID = userID
        self.teamID = teamID
        self.model = model
        self.keyID = keyID
        self.requests = requests
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// The UTC day the record counts for.
    public var day: UsageDay { UsageDay(date) }

    /// Throws unless every count is zero or more and the ids are not empty.
    /// - Throws: ``UsageStoreError`` `invalidRecord`.
    public func validate() throws {
        guard requests >= 0, promptTokens >= 0, completionTokens >= 0 else {
            throw UsageStoreError.invalidRecord(
                "counts must not be negative (requests \(requests), prompt \(promptTokens), completion \(completionTokens))"
            )
        }
        guard !userID.isEmpty, !model.isEmpty, teamID?.isEmpty != true, keyID?.isEmpty != true else {
            throw UsageStoreError.invalidRecord("the user, team, model and key ids must not be empty")
        }
    }
}
