// Enclave: `enclave keys create|list|revoke`.

import ArgumentParser
import EnclaveCore
import Foundation

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys in the data directory's database.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key and print it (alone on the last line). It is not shown again."
        )

        @Option(name: .long, help: "A name for the key, unique among its owner's keys (letters, digits, '.', '_', '-', '@').")
        var name: String

        @Option(name: .long, help: "The user who owns the key (id, name or e-mail).")
        var user: String?

        @Flag(name: .long, help: "A key of the built-in admin user (every scope, unless --scope says otherwise).")
        var admin = false

        @Option(
            name: .long,
            help: ArgumentHelp(
                "What the key may use; repeat for several (default: inference; with --admin: everything).",
                discussion: "inference: the /v1 API. metrics: GET /metrics only. admin: the admin API (admins' keys only).",
                valueName: "scope"
            )
        )
        var scope: [String] = []

        @Option(name: .long, help: "The models the key may use, separated by commas (default: every model).")
        var models: String?

        @Option(name: .long, help: "When the key stops working: a duration such as 30d, 12h or 90m.")
        var expires: String?

        @OptionGroup var storage: StorageOptions

        func validate() throws {
            for name in scope {
                do { _ = try KeyScope.named(name) } catch { throw ValidationError("--scope: \(error)") }
            }
            if admin == (user != nil) { throw ValidationError("name the key's owner: --user USER, or --admin for the built-in admin") }
            if let expires, Self.duration(expires) == nil {
                throw ValidationError("--expires: use a whole number with d (days), h (hours) or m (minutes), such as 30d")
            }
            if let models, Self.modelList(models).isEmpty { throw ValidationError("--models: name at least one model") }
        }

        func run() async throws {
            let scopes = scope.isEmpty ? (admin ? KeyScope.adminScopes : KeyScope.defaultScopes) : Set(try scope.map(KeyScope.named))
            let administration = try await storage.openAdministration()
            let owner = try await administration.existingUser(admin ? User.builtInAdminID : user ?? "")
            let (key, secret) = try await administration.createKey(
                name: name,
                userID: owner.id,
                scopes: scopes,
                allowedModels: models.map(Self.modelList),
                expiresAt: expires.flatMap(Self.duration).map { administration.wallClock.now().addingTimeInterval($0) }
            )
            Console.print(
                "Created the key '\(key.name)' of \(owner.name) (id \(key.id), scopes \(List.scopes(of: key))"
                    + "\(key.allowedModels.map { ", models \($0.sorted().joined(separator: ","))" } ?? "")"
                    + "\(key.expiresAt.map { ", expires \(Console.format($0))" } ?? ""))."
                    + " Store it now; it is not shown again:"
            )
            Console.print(secret.value)
        }

        /// `30d`, `12h`, `90m` in seconds; `nil` for anything else.
        static func duration(_ text: String) -> TimeInterval? {
            guard let unit = text.last, let count = Int(text.dropLast()), count > 0, count <= 3650 * 24 * 60 else { return nil }
            switch unit {
            case "d": return TimeInterval(count) * 86_400
            case "h": return TimeInterval(count) * 3_600
            case "m": return TimeInterval(count) * 60
            default: return nil
            }
        }

        static func modelList(_ text: String) -> Set<String> {
            Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the API keys (never their secrets).")

        @Flag(name: .long, help: "Include revoked keys.")
        var all = false

        @Option(name: .long, help: "Only the keys of this user (id, name or e-mail).")
        var user: String?

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let stores = try await storage.openStores()
            var keys = try await stores.keys.list().filter { all || $0.isActive }
            if let user {
                guard let owner = try await stores.identities.user(idOrLogin: user) else { throw CommandFailure("no user '\(user)'") }
                keys.removeAll { $0.userID != owner.id }
            }
            guard !keys.isEmpty else {
                Console.print(all ? "No keys." : "No active keys.")
                return
            }
            var names: [String: String] = [:]
            for user in try await stores.identities.users() { names[user.id] = user.name }
            let now = Date()
            Console.table(
                [["ID", "NAME", "USER", "SCOPES", "MODELS", "PREFIX", "CREATED", "EXPIRES", "LAST USED", "STATUS"]]
                    + keys.map { key in
                        [
                            key.id, key.name, names[key.userID] ?? key.userID, Self.scopes(of: key),
                            key.allowedModels?.sorted().joined(separator: ",") ?? "all", key.prefix + "…", Console.format(key.createdAt),
                            key.expiresAt.map(Console.format) ?? "never", key.lastUsedAt.map(Console.format) ?? "never",
                            key.revokedAt.map { "revoked \(Console.format($0))" } ?? (key.isExpired(at: now) ? "expired" : "active"),
                        ]
                    }
            )
        }

        /// The key's scopes separated by commas.
        static func scopes(of key: APIKey) -> String {
            key.scopes.sorted().map(\.rawValue).joined(separator: ",")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key by id or name; it stops working at once.")

        @Argument(help: "The key's id (k_…) or name.")
        var key: String

        @Option(name: .long, help: "The key's owner, when several users have a key of this name.")
        var user: String?

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let administration = try await storage.openAdministration()
            var owner: String?
            if let user { owner = try await administration.existingUser(user).id }
            let revoked = try await administration.revokeKey(key, ownedBy: owner)
            Console.print("Revoked the key '\(revoked.name)' (id \(revoked.id)).")
        }
    }
}
