// Enclave: `enclave config validate FILE`.

import ArgumentParser
import EnclaveCore

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with configuration files.",
        subcommands: [Validate.self]
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration file without starting anything.",
            discussion: """
                Checks the YAML, unknown keys, values, unset ${ENV} variables, duplicate names, password and key \
                hashes, and the references between teams, users, keys and models. Prints "FILE is valid" and exits 0, \
                or prints every problem as FILE:LINE:COLUMN: message on standard error and exits 1.
                """
        )

        @Argument(help: "The YAML configuration file.")
        var file: String

        func run() throws {
            let problems = ConfigurationValidator.problems(path: file)
            guard !problems.isEmpty else {
                Console.print("\(file) is valid")
                return
            }
            for problem in problems { Console.error(problem.diagnostic) }
            Console.error("\(file): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
            throw ExitCode(1)
        }
    }
}
