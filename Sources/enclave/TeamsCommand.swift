// Enclave: `enclave teams create|list|add-member|remove-member`.

import ArgumentParser
import EnclaveCore
import Foundation

struct TeamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teams",
        abstract: "Manage teams: groups of users that share limits and a scheduling weight.",
        subcommands: [Create.self, List.self, AddMember.self, RemoveMember.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team.")

        @Argument(help: "The team's unique name.")
        var name: String

        @Option(name: .long, help: "The team's share of the engine relative to other teams' (1 to 1000).")
        var weight = 1

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let team = try await storage.openAdministration().createTeam(name: name, weight: weight)
            Console.print("Created the team '\(team.name)' (id \(team.id), weight \(team.weight)).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the teams and their members.")

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let stores = try await storage.openStores()
            var rows = [["ID", "NAME", "WEIGHT", "MEMBERS", "STATUS", "MANAGED BY"]]
            for team in try await stores.identities.teams() {
                var names: [String] = []
                for id in try await stores.identities.members(ofTeam: team.id) {
                    names.append(try await stores.identities.user(id: id)?.name ?? id)
                }
                rows.append([
                    team.id, team.name, String(team.weight), names.isEmpty ? "-" : names.joined(separator: ","),
                    team.isDisabled ? "disabled" : "active", team.managedBy ?? "-",
                ])
            }
            Console.table(rows)
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-member", abstract: "Add a user to a team.")

        @Argument(help: "The team's id or name.")
        var team: String

        @Argument(help: "The user's id, name or e-mail.")
        var user: String

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let (user, team) = try await storage.openAdministration().addMember(user: user, team: team)
            Console.print("Added '\(user.name)' to the team '\(team.name)'.")
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-member", abstract: "Take a user out of a team.")

        @Argument(help: "The team's id or name.")
        var team: String

        @Argument(help: "The user's id, name or e-mail.")
        var user: String

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let (user, team) = try await storage.openAdministration().removeMember(user: user, team: team)
            Console.print("Took '\(user.name)' out of the team '\(team.name)'.")
        }
    }
}
