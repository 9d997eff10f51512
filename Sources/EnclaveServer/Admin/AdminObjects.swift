// Enclave server: users, teams and keys as the admin API and /v1/me show them.

import EnclaveCore
import Foundation

/// The JSON shapes of the admin API. Dates are ISO 8601; no secret or password hash is ever in them (a new
/// key's secret is in ``CreatedKeyObject`` only, once).
enum AdminObjects {
    /// A list in OpenAI's envelope: `{"object":"list","data":[...]}`.
    struct List<Item: Encodable>: Encodable {
        var object = "list"
        var data: [Item]
    }

    /// A user.
    struct UserObject: Encodable {
        var object = "user"
        var id: String
        var name: String
        var email: String?
        var role: String
        var disabled: Bool
        var teams: [String]
        var createdAt: Date
        var lastSeenAt: Date?
        var managedBy: String?

        init(_ user: User, teams: [Team]) {
            id = user.id
            name = user.name
            email = user.email
            role = user.role.rawValue
            disabled = user.isDisabled
            self.teams = teams.map(\.name)
            createdAt = user.createdAt
            lastSeenAt = user.lastSeenAt
            managedBy = user.managedBy
        }

        enum CodingKeys: String, CodingKey {
            case object, id, name, email, role, disabled, teams
            case createdAt = "created_at"
            case lastSeenAt = "last_seen_at"
            case managedBy = "managed_by"
        }
    }

    /// A team, with its members' names.
    struct TeamObject: Encodable {
        var object = "team"
        var id: String
        var name: String
        var weight: Int
        var disabled: Bool
        var members: [String]
        var createdAt: Date
        var managedBy: String?

        init(_ team: Team, members: [String]) {
            id = team.id
            name = team.name
            weight = team.weight
            disabled = team.isDisabled
            self.members = members
            createdAt = team.createdAt
            managedBy = team.managedBy
        }

        enum CodingKeys: String, CodingKey {
            case object, id, name, weight, disabled, members
            case createdAt = "created_at"
            case managedBy = "managed_by"
        }
    }

    /// A key, never its secret: the display prefix only.
    struct KeyObject: Encodable {
        var object = "api_key"
        var id: String
        var name: String
        var prefix: String
        var user: String
        var scopes: [String]
        var models: [String]?
        var createdAt: Date
        var expiresAt: Date?
        var lastUsedAt: Date?
        var revokedAt: Date?
        var managedBy: String?

        init(_ key: APIKey) {
            id = key.id
            name = key.name
            prefix = key.prefix
            user = key.userID
            scopes = key.scopes.sorted().map(\.rawValue)
            models = key.allowedModels?.sorted()
            createdAt = key.createdAt
            expiresAt = key.expiresAt
            lastUsedAt = key.lastUsedAt
            revokedAt = key.revokedAt
            managedBy = key.managedBy
        }

        enum CodingKeys: String, CodingKey {
            case object, id, name, prefix, user, scopes, models
            case createdAt = "created_at"
            case expiresAt = "expires_at"
            case lastUsedAt = "last_used_at"
            case revokedAt = "revoked_at"
            case managedBy = "managed_by"
        }
    }

    /// A key just created, with its secret: the only response that ever shows one.
    struct CreatedKeyObject: Encodable {
        var key: KeyObject
        var secret: String

        func encode(to encoder: any Encoder) throws {
            try key.encode(to: encoder)
            var container = encoder.container(keyedBy: SecretKey.self)
            try container.encode(secret, forKey: .secret)
        }

        enum SecretKey: String, CodingKey { case secret }
    }
}
