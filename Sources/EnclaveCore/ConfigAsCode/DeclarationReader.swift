// Enclave: reading the teams, users and keys of a configuration file, collecting every problem.

import Foundation
import Yams

/// Reads `teams:`, `users:` and `keys:` into ``DeclaredIdentities``. Unlike the rest of the file's reading,
/// it goes on after a problem, so that `enclave config validate` reports every one with its line and column.
/// It checks each entry and the references between them: a user's teams must be declared in the file, a
/// key's user declared in the file or the built-in `admin`, a key's models among the declared models.
struct DeclarationReader {
    let reader: ConfigurationReader
    /// The ids of the models the file declares; `nil` if it declares none (keys may then name any model).
    let modelIDs: Set<String>?
    private let found = Found()

    /// Every problem found so far, in the order found.
    var problems: [ConfigurationError] { found.problems }

    /// The problems, in a box, so that reading (in closures too) needs no `mutating`.
    private final class Found {
        var problems: [ConfigurationError] = []
    }

    init(reader: ConfigurationReader, modelIDs: Set<String>?) {
        self.reader = reader
        self.modelIDs = modelIDs
    }

    /// The declarations of the top-level mapping's `teams`, `users` and `keys`.
    func read(_ top: [String: Node]) -> DeclaredIdentities {
        var identities = DeclaredIdentities()
        if let node = top["teams"], !reader.isNull(node) { identities.teams = teams(node) }
        if let node = top["users"], !reader.isNull(node) { identities.users = users(node, teams: identities.teams) }
        if let node = top["keys"], !reader.isNull(node) { identities.keys = keys(node, users: identities.users) }
        return identities
    }

    // MARK: Teams

    private func teams(_ node: Node) -> [DeclaredTeam] {
        var teams: [DeclaredTeam] = []
        for (index, element) in elements(node, at: "teams") {
            let path = "teams[\(index)]"
            guard let entries = entries(element, at: path, allowed: ["name", "weight", "limits"]),
                let (name, nameNode) = entryName(entries, of: element, at: path, check: Self.teamNameProblem)
            else { continue }
            var team = DeclaredTeam(name: name, location: Self.location(element))
            if let node = entries["weight"] {
                team.weight = attempt { try reader.int(node, at: "\(path).weight", in: 1...Team.maximumWeight) } ?? 1
            }
            if let node = entries["limits"] {
                team.limits = attempt { try EnclaveConfiguration.readLimitPolicy(node, at: "\(path).limits", reader: reader) }
            }
            if teams.contains(where: { $0.name == name }) {
                report(reader.invalid(nameNode, "\(path).name", "the team '\(name)' is declared twice"))
                continue
            }
            teams.append(team)
        }
        return teams
    }

    // MARK: Users

    private func users(_ node: Node, teams: [DeclaredTeam]) -> [DeclaredUser] {
        var users: [DeclaredUser] = []
        let allowed = ["name", "email", "role", "teams", "password_hash", "password", "limits"]
        for (index, element) in elements(node, at: "users") {
            let path = "users[\(index)]"
            guard let entries = entries(element, at: path, allowed: allowed),
                let (name, nameNode) = entryName(entries, of: element, at: path, check: Self.userNameProblem)
            else { continue }
            var user = DeclaredUser(name: name, location: Self.location(element))
            if let node = entries["email"], !reader.isNull(node) {
                if let email = attempt({ try reader.nonEmptyString(node, at: "\(path).email") }) {
                    let probe = User(id: "usr_probe", name: "probe", email: email, role: .member, createdAt: Date())
                    if (try? probe.validate()) == nil {
                        report(reader.invalid(node, "\(path).email", "'\(email)' is not an e-mail address"))
                    } else if users.contains(where: { $0.email?.lowercased() == email.lowercased() }) {
                        report(reader.invalid(node, "\(path).email", "the e-mail '\(email)' is declared for another user"))
                    }
                    user.email = email
                }
            }
            if let node = entries["role"] {
                if let role = attempt({ try reader.choice(node, at: "\(path).role", among: Role.all.map(\.rawValue)) }) {
                    user.role = Role(rawValue: role)
                }
            }
            if let node = entries["teams"] {
                for (team, teamNode) in strings(node, at: "\(path).teams") ?? [] {
                    if teams.contains(where: { $0.name == team }) {
                        if !user.teams.contains(team) { user.teams.append(team) }
                    } else {
                        report(reader.invalid(teamNode, "\(path).teams", "the team '\(team)' is not declared under teams: in this file"))
                    }
                }
            }
            switch (entries["password_hash"], entries["password"]) {
            case (let hashNode?, _?):
                report(reader.invalid(hashNode, "\(path).password_hash", "give password_hash or password, not both"))
            case (let hashNode?, nil):
                if let hash = attempt({ try reader.nonEmptyString(hashNode, at: "\(path).password_hash") }) {
                    if let problem = BcryptHash.problem(with: hash) {
                        report(reader.invalid(hashNode, "\(path).password_hash", problem))
                    }
                    user.password = .hash(hash)
                }
            case (nil, let passwordNode?):
                // Never quote the value: it is a password.
                if let password = attempt({ try reader.string(passwordNode, at: "\(path).password") }) {
                    if password.count < Self.minimumPasswordLength || password.utf8.count > 72 {
                        report(
                            reader.invalid(
                                passwordNode,
                                "\(path).password",
                                "a password has \(Self.minimumPasswordLength) to 72 characters (bcrypt reads no further)"
                            )
                        )
                    }
                    user.password = .plain(password)
                }
            case (nil, nil):
                break
            }
            if let node = entries["limits"] {
                user.limits = attempt { try EnclaveConfiguration.readLimitPolicy(node, at: "\(path).limits", reader: reader) }
            }
            if users.contains(where: { $0.name == name }) {
                report(reader.invalid(nameNode, "\(path).name", "the user '\(name)' is declared twice"))
                continue
            }
            // Kept even with a problem, so that keys naming the user are not reported as well.
            users.append(user)
        }
        return users
    }

    /// The shortest password accepted.
    static let minimumPasswordLength = 8

    // MARK: Keys

    private func keys(_ node: Node, users: [DeclaredUser]) -> [DeclaredKey] {
        var keys: [DeclaredKey] = []
        let allowed = ["name", "user", "hash", "secret", "models", "scopes", "expires"]
        for (index, element) in elements(node, at: "keys") {
            let path = "keys[\(index)]"
            guard let entries = entries(element, at: path, allowed: allowed),
                let (name, nameNode) = entryName(entries, of: element, at: path, check: Self.keyNameProblem)
            else { continue }
            var owner: DeclaredUser?
            var ownerName = User.builtInAdminName
            if let userNode = entries["user"] {
                if let user = attempt({ try reader.nonEmptyString(userNode, at: "\(path).user") }) {
                    ownerName = user
                    owner = users.first { $0.name == user }
                    if owner == nil && user != User.builtInAdminName {
                        report(
                            reader.invalid(
                                userNode,
                                "\(path).user",
                                "the user '\(user)' is not declared under users: in this file (nor is it the built-in 'admin')"
                            )
                        )
                    }
                }
            } else {
                report(missing(element, "\(path).user", "every key names its user (a declared user, or admin)"))
            }
            let keyCredential = credential(entries, of: element, at: path)
            var scopes = KeyScope.defaultScopes
            if let scopesNode = entries["scopes"] {
                let named = strings(scopesNode, at: "\(path).scopes") ?? []
                var chosen = Set<KeyScope>()
                for (scope, scopeNode) in named {
                    if let known = KeyScope.all.first(where: { $0.rawValue == scope }) {
                        chosen.insert(known)
                    } else {
                        let known = KeyScope.all.map(\.rawValue).joined(separator: ", ")
                        report(reader.invalid(scopeNode, "\(path).scopes", "unknown scope '\(scope)' (known scopes: \(known))"))
                    }
                }
                if named.isEmpty { report(reader.invalid(scopesNode, "\(path).scopes", "name at least one scope")) }
                if chosen.contains(.admin), let owner, owner.role != .admin {
                    report(
                        reader.invalid(
                            scopesNode,
                            "\(path).scopes",
                            "only a key of an admin user may have the 'admin' scope; '\(owner.name)' is a member"
                        )
                    )
                }
                if !chosen.isEmpty { scopes = chosen }
            }
            var models: Set<String>?
            if let modelsNode = entries["models"], !reader.isNull(modelsNode) {
                let named = strings(modelsNode, at: "\(path).models") ?? []
                if named.isEmpty { report(reader.invalid(modelsNode, "\(path).models", "name at least one model, or leave models out")) }
                for (model, modelNode) in named {
                    if let modelIDs, !modelIDs.contains(model) {
                        let known = modelIDs.sorted().joined(separator: ", ")
                        report(reader.invalid(modelNode, "\(path).models", "the model '\(model)' is not declared under models: (declared: \(known))"))
                    }
                }
                models = Set(named.map { $0.0 })
            }
            var expiresAt: Date?
            if let expiresNode = entries["expires"], !reader.isNull(expiresNode) {
                if let text = attempt({ try reader.nonEmptyString(expiresNode, at: "\(path).expires") }) {
                    expiresAt = Self.date(text)
                    if expiresAt == nil {
                        report(
                            reader.invalid(
                                expiresNode,
                                "\(path).expires",
                                "expected a date such as 2027-01-01 or 2027-01-01T12:00:00Z, got '\(text)'"
                            )
                        )
                    }
                }
            }
            if let other = keys.first(where: { $0.name == name }) {
                report(reader.invalid(nameNode, "\(path).name", "the key '\(name)' is declared twice (also for '\(other.user)')"))
                continue
            }
            guard let (hash, prefix, credentialNode) = keyCredential else { continue }
            if keys.contains(where: { $0.hash == hash }) {
                report(reader.invalid(credentialNode, path, "another key in this file has the same secret"))
                continue
            }
            keys.append(
                DeclaredKey(
                    name: name,
                    user: ownerName,
                    hash: hash,
                    prefix: prefix,
                    allowedModels: models,
                    scopes: scopes,
                    expiresAt: expiresAt,
                    location: Self.location(element)
                )
            )
        }
        return keys
    }

    /// The key's hash and display prefix, from `hash` or `secret` (exactly one of them).
    private func credential(_ entries: [String: Node], of element: Node, at path: String) -> (KeyHash, String, Node)? {
        switch (entries["hash"], entries["secret"]) {
        case (let hashNode?, _?):
            report(reader.invalid(hashNode, "\(path).hash", "give hash or secret, not both"))
        case (let hashNode?, nil):
            guard let text = attempt({ try reader.nonEmptyString(hashNode, at: "\(path).hash") }) else { return nil }
            guard let hash = KeyHash(text: text) else {
                report(reader.invalid(hashNode, "\(path).hash", "expected 'sha256:' and 64 hex digits (the SHA-256 of the key)"))
                return nil
            }
            return (hash, KeyHash.textPrefix + String(hash.hex.prefix(4)), hashNode)
        case (nil, let secretNode?):
            // Never quote the value: it is a secret.
            guard let text = attempt({ try reader.string(secretNode, at: "\(path).secret") }) else { return nil }
            guard let secret = APIKeySecret(text) else {
                report(
                    reader.invalid(
                        secretNode,
                        "\(path).secret",
                        "not an Enclave key: expected '\(APIKeySecret.marker)' and 43 to 128 base64url characters (make one with `enclave keys create`)"
                    )
                )
                return nil
            }
            return (secret.hash, secret.displayPrefix, secretNode)
        case (nil, nil):
            report(missing(element, "\(path).hash", "every key has a hash (sha256:…) or a secret (${ENV})"))
        }
        return nil
    }

    // MARK: Helpers

    /// A sequence's elements with their indices; a problem if `node` is not a sequence.
    private func elements(_ node: Node, at path: String) -> [(Int, Node)] {
        guard let elements = attempt({ try reader.sequence(node, at: path) }) else { return [] }
        return Array(elements.enumerated())
    }

    /// A mapping's known entries; a problem for each unknown or repeated key (reading goes on).
    private func entries(_ node: Node, at path: String, allowed: [String]) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report(reader.invalid(node, path, "expected a mapping of keys to values"))
            return nil
        }
        var entries: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                report(reader.invalid(keyNode, path, "keys must be plain names"))
                continue
            }
            let key = scalar.string
            guard allowed.contains(key) else {
                report(
                    ConfigurationError(
                        .unknownKey,
                        source: reader.source,
                        line: keyNode.mark?.line,
                        column: keyNode.mark?.column,
                        key: "\(path).\(key)",
                        problem: "unknown key (known keys here: \(allowed.joined(separator: ", ")))"
                    )
                )
                continue
            }
            guard entries[key] == nil else {
                report(reader.invalid(keyNode, "\(path).\(key)", "duplicate key"))
                continue
            }
            entries[key] = value
        }
        return entries
    }

    /// The entry's `name`, checked by `check`.
    private func entryName(
        _ entries: [String: Node],
        of element: Node,
        at path: String,
        check: (String) -> String?
    ) -> (String, Node)? {
        guard let node = entries["name"] else {
            report(missing(element, "\(path).name", "every entry has a name"))
            return nil
        }
        guard let name = attempt({ try reader.nonEmptyString(node, at: "\(path).name") }) else { return nil }
        if let problem = check(name) {
            report(reader.invalid(node, "\(path).name", "'\(name)': \(problem)"))
            return nil
        }
        return (name, node)
    }

    /// A list of strings (`[a, b]` or one per line) with their nodes.
    private func strings(_ node: Node, at path: String) -> [(String, Node)]? {
        guard let elements = attempt({ try reader.sequence(node, at: path) }) else { return nil }
        var strings: [(String, Node)] = []
        for element in elements {
            if let value = attempt({ try reader.nonEmptyString(element, at: path) }) { strings.append((value, element)) }
        }
        return strings
    }

    private func report(_ problem: ConfigurationError) {
        found.problems.append(problem)
    }

    private func missing(_ node: Node, _ path: String, _ problem: String) -> ConfigurationError {
        ConfigurationError(.missingKey, source: reader.source, line: node.mark?.line, column: node.mark?.column, key: path, problem: problem)
    }

    /// The value of `body`, or `nil` with its error recorded.
    private func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as ConfigurationError {
            report(error)
        } catch {
            report(ConfigurationError(.invalidValue, source: reader.source, line: nil, key: nil, problem: "\(error)"))
        }
        return nil
    }

    private static func location(_ node: Node) -> DeclarationLocation? {
        node.mark.map { DeclarationLocation(line: $0.line, column: $0.column) }
    }

    private static func teamNameProblem(_ name: String) -> String? {
        if let problem = NameRules.problem(with: name) { return problem }
        return name.hasPrefix("team_") ? "it must not start with 'team_'" : nil
    }

    private static func userNameProblem(_ name: String) -> String? {
        if let problem = NameRules.problem(with: name) { return problem }
        if name.hasPrefix("usr_") { return "it must not start with 'usr_'" }
        return name == User.builtInAdminName ? "it is the built-in admin user's name, which the file cannot declare" : nil
    }

    private static func keyNameProblem(_ name: String) -> String? {
        if let problem = NameRules.problem(with: name) { return problem }
        return APIKey.looksLikeID(name) ? "it has the shape of a key id" : nil
    }

    /// `2027-01-01` (midnight UTC) or an ISO 8601 date and time.
    static func date(_ text: String) -> Date? {
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        dateOnly.timeZone = TimeZone(identifier: "UTC")
        if text.count == 10, let date = dateOnly.date(from: text) { return date }
        let dateTime = ISO8601DateFormatter()
        dateTime.formatOptions = [.withInternetDateTime]
        if let date = dateTime.date(from: text) { return date }
        dateTime.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return dateTime.date(from: text)
    }
}
