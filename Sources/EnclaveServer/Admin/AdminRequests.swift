// Enclave server: the bodies the admin API and /v1/me/keys accept.

import EnclaveCore
import Foundation

/// The JSON bodies of the admin API's writes. Unknown fields are refused (a misspelt `disabled` must not
/// silently do nothing).
enum AdminRequests {
    /// `POST /admin/v1/users`.
    struct CreateUser: Decodable {
        var name: String
        var email: String?
        var role: String?
        var teams: [String]?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: StrictKey.self)
            try StrictKey.refuseUnknown(in: container, allowed: ["name", "email", "role", "teams"])
            name = try container.decode(String.self, forKey: StrictKey("name"))
            email = try container.decodeIfPresent(String.self, forKey: StrictKey("email"))
            role = try container.decodeIfPresent(String.self, forKey: StrictKey("role"))
            teams = try container.decodeIfPresent([String].self, forKey: StrictKey("teams"))
        }
    }

    /// `PATCH /admin/v1/users/{user}`.
    struct UpdateUser: Decodable {
        var change: IdentityAdministration.UserChange

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: StrictKey.self)
            try StrictKey.refuseUnknown(in: container, allowed: ["name", "email", "role", "disabled"])
            var change = IdentityAdministration.UserChange()
            change.name = try container.decodeIfPresent(String.self, forKey: StrictKey("name"))
            if container.contains(StrictKey("email")) {
                change.email = .some(try container.decodeIfPresent(String.self, forKey: StrictKey("email")))
            }
            change.role = try container.decodeIfPresent(String.self, forKey: StrictKey("role")).map(Role.init(rawValue:))
            change.isDisabled = try container.decodeIfPresent(Bool.self, forKey: StrictKey("disabled"))
            self.change = change
        }
    }

    /// `POST /admin/v1/teams`.
    struct CreateTeam: Decodable {
        var name: String
        var weight: Int?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: StrictKey.self)
            try StrictKey.refuseUnknown(in: container, allowed: ["name", "weight"])
            name = try container.decode(String.self, forKey: StrictKey("name"))
            weight = try container.decodeIfPresent(Int.self, forKey: StrictKey("weight"))
        }
    }

    /// `PATCH /admin/v1/teams/{team}`.
    struct UpdateTeam: Decodable {
        var change: IdentityAdministration.TeamChange

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: StrictKey.self)
            try StrictKey.refuseUnknown(in: container, allowed: ["name", "weight", "disabled"])
            change = IdentityAdministration.TeamChange(
                name: try container.decodeIfPresent(String.self, forKey: StrictKey("name")),
                weight: try container.decodeIfPresent(Int.self, forKey: StrictKey("weight")),
                isDisabled: try container.decodeIfPresent(Bool.self, forKey: StrictKey("disabled"))
            )
        }
    }

    /// `POST /admin/v1/keys` (with `user`) and `POST /v1/me/keys` (without).
    struct CreateKey: Decodable {
        var name: String
        var user: String?
        var scopes: [String]?
        var models: [String]?
        var expiresAt: Date?
        var expiresInDays: Int?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: StrictKey.self)
            try StrictKey.refuseUnknown(in: container, allowed: ["name", "user", "scopes", "models", "expires_at", "expires_in_days"])
            name = try container.decode(String.self, forKey: StrictKey("name"))
            user = try container.decodeIfPresent(String.self, forKey: StrictKey("user"))
            scopes = try container.decodeIfPresent([String].self, forKey: StrictKey("scopes"))
            models = try container.decodeIfPresent([String].self, forKey: StrictKey("models"))
            if let text = try container.decodeIfPresent(String.self, forKey: StrictKey("expires_at")) {
                guard let date = ISO8601DateFormatter().date(from: text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: StrictKey("expires_at"),
                        in: container,
                        debugDescription: "expected an ISO 8601 date and time such as 2027-01-31T00:00:00Z"
                    )
                }
                expiresAt = date
            }
            expiresInDays = try container.decodeIfPresent(Int.self, forKey: StrictKey("expires_in_days"))
        }

        /// The scopes asked for (the default scopes when none are).
        /// - Throws: ``KeyStoreError`` `invalidScope`.
        func requestedScopes() throws -> Set<KeyScope> {
            guard let scopes else { return KeyScope.defaultScopes }
            return Set(try scopes.map(KeyScope.named))
        }

        /// The expiry asked for, from `expires_at` or `expires_in_days` (1 to 3650).
        /// - Throws: ``KeyStoreError`` `invalidField`.
        func expiry(now: Date) throws -> Date? {
            if expiresAt != nil && expiresInDays != nil {
                throw KeyStoreError.invalidField("expires_at", "give expires_at or expires_in_days, not both")
            }
            if let days = expiresInDays {
                guard (1...3650).contains(days) else { throw KeyStoreError.invalidField("expires_in_days", "use 1 to 3650 days") }
                return now.addingTimeInterval(TimeInterval(days) * 86_400)
            }
            return expiresAt
        }
    }
}

/// A coding key for any field name, to refuse the unknown ones.
struct StrictKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    /// Throws for a field not in `allowed`.
    static func refuseUnknown(in container: KeyedDecodingContainer<StrictKey>, allowed: Set<String>) throws {
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
            throw DecodingError.dataCorruptedError(
                forKey: StrictKey(unknown),
                in: container,
                debugDescription: "unknown field '\(unknown)'; known fields: \(allowed.sorted().joined(separator: ", "))"
            )
        }
    }
}
