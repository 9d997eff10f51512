// Enclave: where the CLI finds the database.

import ArgumentParser
import EnclaveCore
import EnclaveStorage

/// Where the database is: `--data-dir`, else the configuration's `storage.data_dir`, else ./data. Shared by
/// `keys`, `users` and `teams`, which work on the same database as a running server.
struct StorageOptions: ParsableArguments {
    @Option(name: .long, help: "A YAML configuration file (for storage.data_dir).")
    var config: String?

    @Option(name: .customLong("data-dir"), help: "The data directory (default: the configuration's, else ./data).")
    var dataDir: String?

    /// Opens the stores; files the command creates are private to the user (umask 077). The built-in admin
    /// user exists afterwards.
    func openStores() async throws -> EnclaveStores {
        DataDirectory.restrictNewFilesToOwner()
        let stores = try SQLiteDatabase(dataDirectory: try dataDirectory()).stores()
        _ = try await stores.identities.ensureBuiltInAdmin(at: SystemWallClock().now())
        return stores
    }

    /// The data directory: `--data-dir`, else the configuration's `storage.data_dir`, else ./data.
    func dataDirectory() throws -> String {
        // The declared teams, users and keys are the server's business: their secrets' ${VAR}s need not be set here.
        try dataDir ?? config.map { try EnclaveConfiguration.load(path: $0, readingDeclarations: false).storage.dataDirectory } ?? "data"
    }

    /// The administration over the opened stores.
    func openAdministration() async throws -> IdentityAdministration {
        IdentityAdministration(stores: try await openStores())
    }
}
