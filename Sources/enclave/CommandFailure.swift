// Enclave: a failure of a command that is not a usage error.

/// A command failed for a reason the user can fix (a missing file, an unreachable server); it is printed
/// as `Error: <description>` without the usage text, and the process exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
