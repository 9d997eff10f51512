// Enclave: `enclave users create|list|disable|enable` (and `passwd`, in UsersCommand+Passwd.swift).

import ArgumentParser
import EnclaveCore
import Foundation

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage the people who use the server.",
        subcommands: [Create.self, List.self, Disable.self, Enable.self, Passwd.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user (a member unless --admin).")

        @Option(name: .long, help: "The unique login name (letters, digits, '.', '_', '-', '@').")
        var name: String

        @Option(name: .long, help: "The e-mail address (unique; the user may log in with it).")
        var email: String?

        @Option(name: .long, help: "A team to join (by name); repeat for several.")
        var team: [String] = []

        @Flag(name: .long, help: "Make the user an admin.")
        var admin = false

        @Flag(name: .customLong("password-stdin"), help: "Read the user's password (one line, 8 characters or more) from standard input.")
        var passwordStdin = false

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let password = try passwordStdin ? PasswordInput.readStandardInput() : nil
            let administration = try await storage.openAdministration()
            var teams: [Team] = []
            for name in team { teams.append(try await administration.existingTeam(name)) }
            let user = try await administration.createUser(name: name, email: email, role: admin ? .admin : .member)
            for team in teams { _ = try await administration.addMember(user: user.id, team: team.id) }
            if let password { try await administration.setPassword(password, of: user.id, hasher: PasswordHasher()) }
            let joined = teams.isEmpty ? "" : ", teams \(teams.map(\.name).joined(separator: ","))"
            Console.print("Created the user '\(user.name)' (id \(user.id), role \(user.role)\(joined)\(password == nil ? "" : ", with a password")).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users.")

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let stores = try await storage.openStores()
            var rows = [["ID", "NAME", "EMAIL", "ROLE", "TEAMS", "CREATED", "LAST SEEN", "STATUS", "MANAGED BY"]]
            for user in try await stores.identities.users() {
                let teams = try await stores.identities.teams(ofUser: user.id).map(\.name).joined(separator: ",")
                rows.append([
                    user.id, user.name, user.email ?? "-", user.role.rawValue, teams.isEmpty ? "-" : teams, Console.format(user.createdAt),
                    user.lastSeenAt.map(Console.format) ?? "never", user.isDisabled ? "disabled" : "active", user.managedBy ?? "-",
                ])
            }
            Console.table(rows)
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: their keys and sessions stop working at once.")

        @Argument(help: "The user's id, name or e-mail.")
        var user: String

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let (_, after) = try await storage.openAdministration().updateUser(user, .init(isDisabled: true))
            Console.print("Disabled the user '\(after.name)' (id \(after.id)).")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user.")

        @Argument(help: "The user's id, name or e-mail.")
        var user: String

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let (_, after) = try await storage.openAdministration().updateUser(user, .init(isDisabled: false))
            Console.print("Enabled the user '\(after.name)' (id \(after.id)).")
        }
    }
}
