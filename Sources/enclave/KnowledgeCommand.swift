// Enclave: `enclave knowledge rotate-key`.

import ArgumentParser
import EnclaveCore
import EnclaveStorage
import Foundation

struct KnowledgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "knowledge",
        abstract: "Manage the store of collections' documents.",
        subcommands: [RotateKey.self]
    )

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Re-encrypt every stored document, chunk and vector with a new key, and rebuild the keyword index.",
            discussion: """
                Stop the server first. The database moves to the new key in one transaction: if the command is \
                interrupted, the old key still opens everything (run it again to finish). With the generated key \
                file (no knowledge.encryption_key), the file is replaced once the database uses the new key. With a \
                key from the configuration or the environment, give the old one (--config or --old-key-env) and \
                the new one (--new-key-env, --new-key-file or --generate), then set the variable to the new key \
                before starting the server.
                """
        )

        @Option(name: .customLong("new-key-file"), help: "A file holding the new key (base64 of 32 bytes).")
        var newKeyFile: String?

        @Option(name: .customLong("new-key-env"), help: "An environment variable holding the new key (base64 of 32 bytes).")
        var newKeyEnv: String?

        @Flag(name: .long, help: "Generate the new key (printed alone on the last line when the key is not in a file).")
        var generate = false

        @Option(name: .customLong("old-key-env"), help: "An environment variable holding the current key, if it is not the configuration's.")
        var oldKeyEnv: String?

        @OptionGroup var storage: StorageOptions

        func validate() throws {
            let sources = [newKeyFile != nil, newKeyEnv != nil, generate].filter { $0 }.count
            guard sources == 1 else { throw ValidationError("give the new key one way: --new-key-file PATH, --new-key-env NAME or --generate") }
        }

        func run() async throws {
            DataDirectory.restrictNewFilesToOwner()
            let directory = try storage.dataDirectory()
            guard FileManager.default.fileExists(atPath: DataDirectory.databasePath(in: directory)) else {
                throw CommandFailure("there is no database in \(directory) (use --data-dir)")
            }
            let newKey = try self.newKey()
            let database = try SQLiteDatabase(dataDirectory: directory)
            if let configured = try configuredKey() {
                guard let old = KnowledgeKey(base64: configured) else {
                    throw CommandFailure("the current key is not base64 of \(KnowledgeKey.byteCount) bytes")
                }
                let summary = try await SQLiteKnowledgeStore.rotateKey(
                    in: database,
                    from: KnowledgeCipher(key: old),
                    to: KnowledgeCipher(key: newKey)
                )
                report(summary, key: newKey)
                Console.print(
                    "Set knowledge.encryption_key (ENCLAVE_KNOWLEDGE_KEY) to the new key before starting the server: the old key no longer opens the documents."
                )
                if generate { Console.print(newKey.base64) }
            } else {
                let summary = try await KnowledgeKeyFile.rotate(in: directory, database: database, to: newKey)
                report(summary, key: newKey)
                Console.print("\(KnowledgeKeyFile.path(in: directory)) now holds the new key; backups made before now need the old one.")
            }
        }

        private func report(_ summary: SQLiteKnowledgeStore.RotationSummary, key: KnowledgeKey) {
            let id = KnowledgeCipher(key: key).keyIDHex
            if summary.alreadyRotated {
                Console.print("The documents were already encrypted with the key \(id).")
            } else {
                Console.print(
                    "Re-encrypted \(summary.documents) documents, \(summary.contents) kept files and \(summary.chunks) chunks with the key \(id)."
                )
            }
        }

        /// The current key when it does not come from the key file: `--old-key-env`, else the configuration's.
        private func configuredKey() throws -> String? {
            if let oldKeyEnv {
                guard let value = ProcessInfo.processInfo.environment[oldKeyEnv], !value.isEmpty else {
                    throw CommandFailure("the environment variable \(oldKeyEnv) is not set")
                }
                return value
            }
            guard let config = storage.config else { return nil }
            return try EnclaveConfiguration.load(path: config, readingDeclarations: false).knowledge.encryptionKey
        }

        private func newKey() throws -> KnowledgeKey {
            if generate { return KnowledgeKey.generate() }
            if let newKeyEnv {
                guard let value = ProcessInfo.processInfo.environment[newKeyEnv], let key = KnowledgeKey(base64: value) else {
                    throw CommandFailure("the environment variable \(newKeyEnv) does not hold base64 of \(KnowledgeKey.byteCount) bytes")
                }
                return key
            }
            let path = newKeyFile ?? ""
            guard let data = FileManager.default.contents(atPath: path), let key = KnowledgeKey(base64: String(decoding: data, as: UTF8.self)) else {
                throw CommandFailure("\(path) does not hold base64 of \(KnowledgeKey.byteCount) bytes")
            }
            return key
        }
    }
}
