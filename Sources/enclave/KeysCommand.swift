// Enclave: `enclave keys create|list|revoke`.

import ArgumentParser
import EnclaveCore
import EnclaveStorage
import Foundation

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys in the data directory's database.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// Where the database is: `--data-dir`, else the configuration's `storage.data_dir`, else ./data.
    struct StorageOptions: ParsableArguments {
        @Option(name: .long, help: "A YAML configuration file (for storage.data_dir).")
        var config: String?

        @Option(name: .customLong("data-dir"), help: "The data directory (default: the configuration's, else ./data).")
        var dataDir: String?

        /// Opens the store; files the command creates are private to the user (umask 077).
        func openStore() throws -> SQLiteKeyStore {
            DataDirectory.restrictNewFilesToOwner()
            return try SQLiteKeyStore(dataDirectory: dataDirectory())
        }

        /// The data directory: `--data-dir`, else the configuration's `storage.data_dir`, else ./data.
        func dataDirectory() throws -> String {
            try dataDir ?? config.map { try EnclaveConfiguration.load(path: $0).storage.dataDirectory } ?? "data"
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key and print it (alone on the last line). It is not shown again."
        )

        @Option(name: .long, help: "A unique name for the key (letters, digits, '.', '_', '-', '@').")
        var name: String

        @Flag(name: .long, help: "Give the key the admin role (it may use everything, whatever its scopes).")
        var admin = false

        @Option(
            name: .long,
            help: ArgumentHelp(
                "What the key may use; repeat for several (default: inference).",
                discussion: "inference: the /v1 API. metrics: GET /metrics only, for a Prometheus scraper.",
                valueName: "scope"
            )
        )
        var scope: [String] = []

        @OptionGroup var storage: StorageOptions

        func validate() throws {
            for name in scope {
                do { _ = try KeyScope.named(name) } catch { throw ValidationError("--scope: \(error)") }
            }
            if admin && !scope.isEmpty { throw ValidationError("--admin keys may use everything; leave out --scope") }
        }

        func run() async throws {
            let scopes = scope.isEmpty ? KeyScope.defaultScopes : Set(try scope.map(KeyScope.named))
            let store = try storage.openStore()
            let (key, secret) = try APIKey.issue(name: name, role: admin ? .admin : .user, scopes: scopes)
            try await store.create(key)
            Console.print(
                "Created the key '\(key.name)' (id \(key.id), role \(key.role), scopes \(List.scopes(of: key))). "
                    + "Store it now; it is not shown again:"
            )
            Console.print(secret.value)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the API keys (never their secrets).")

        @Flag(name: .long, help: "Include revoked keys.")
        var all = false

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let keys = try await storage.openStore().list().filter { all || $0.isActive }
            guard !keys.isEmpty else {
                Console.print(all ? "No keys." : "No active keys.")
                return
            }
            let rows =
                [["ID", "NAME", "ROLE", "SCOPES", "PREFIX", "CREATED", "LAST USED", "STATUS"]]
                + keys.map { key in
                    [
                        key.id, key.name, key.role.rawValue, Self.scopes(of: key), key.prefix + "…", Self.format(key.createdAt),
                        key.lastUsedAt.map(Self.format) ?? "never", key.revokedAt.map { "revoked \(Self.format($0))" } ?? "active",
                    ]
                }
            let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                Console.print(
                    row.enumerated().map { index, cell in cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) }
                        .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
                )
            }
        }

        /// `all` for an admin key, else its scopes separated by commas.
        static func scopes(of key: APIKey) -> String {
            key.role == .admin ? "all" : key.scopes.sorted().map(\.rawValue).joined(separator: ",")
        }

        static func format(_ date: Date) -> String {
            date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key by id or name; it stops working at once.")

        @Argument(help: "The key's id (k_…) or name.")
        var key: String

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let revoked = try await storage.openStore().revoke(idOrName: key, at: Date())
            Console.print("Revoked the key '\(revoked.name)' (id \(revoked.id)).")
        }
    }
}
