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

    // MARK: Helpers

    /// A sequence's elements with their indices; a problem if `node` is not a sequence.
    func elements(_ node: Node, at path: String) -> [(Int, Node)] {
        guard let elements = attempt({ try reader.sequence(node, at: path) }) else { return [] }
        return Array(elements.enumerated())
    }

    /// A mapping's known entries; a problem for each unknown or repeated key (reading goes on).
    func entries(_ node: Node, at path: String, allowed: [String]) -> [String: Node]? {
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
    func entryName(
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
    func strings(_ node: Node, at path: String) -> [(String, Node)]? {
        guard let elements = attempt({ try reader.sequence(node, at: path) }) else { return nil }
        var strings: [(String, Node)] = []
        for element in elements {
            if let value = attempt({ try reader.nonEmptyString(element, at: path) }) { strings.append((value, element)) }
        }
        return strings
    }

    func report(_ problem: ConfigurationError) {
        found.problems.append(problem)
    }

    func missing(_ node: Node, _ path: String, _ problem: String) -> ConfigurationError {
        ConfigurationError(.missingKey, source: reader.source, line: node.mark?.line, column: node.mark?.column, key: path, problem: problem)
    }

    /// The value of `body`, or `nil` with its error recorded.
    func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as ConfigurationError {
            report(error)
        } catch {
            report(ConfigurationError(.invalidValue, source: reader.source, line: nil, key: nil, problem: "\(error)"))
        }
        return nil
    }

    static func location(_ node: Node) -> DeclarationLocation? {
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

    static func keyNameProblem(_ name: String) -> String? {
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
