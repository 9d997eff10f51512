// Enclave: `enclave users passwd USER`.

import ArgumentParser
import EnclaveCore

extension UsersCommand {
    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password (asked twice without echo on a terminal, or one line from standard input).",
            discussion: "The user's web sessions end. A user declared in the configuration file gets their password there."
        )

        @Argument(help: "The user's id, name or e-mail.")
        var user: String

        @Flag(name: .customLong("password-stdin"), help: "Read the password (one line) from standard input, even from a terminal.")
        var passwordStdin = false

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let administration = try await storage.openAdministration()
            let existing = try await administration.existingUser(user)
            let password: String
            if passwordStdin || !PasswordInput.isStandardInputATerminal() {
                password = try PasswordInput.readStandardInput()
            } else {
                password = try PasswordInput.prompt("New password for \(existing.name): ")
                guard try PasswordInput.prompt("Repeat it: ") == password else {
                    throw CommandFailure("the two passwords differ; nothing was changed")
                }
            }
            let changed = try await administration.setPassword(password, of: existing.id, hasher: PasswordHasher())
            Console.print("Set the password of '\(changed.name)' (id \(changed.id)); their web sessions have ended.")
        }
    }
}
