// Enclave: `enclave collections create|list|delete|documents`.

import ArgumentParser
import EnclaveCore
import EnclaveKnowledge
import Foundation

struct CollectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collections",
        abstract: "Manage knowledge collections: sets of documents that assistants retrieve from.",
        discussion: "Works on the data directory whether or not a server runs on it; add documents with `enclave ingest`.",
        subcommands: [Create.self, List.self, Delete.self, Documents.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a collection.")

        @Argument(help: "The collection's unique name.")
        var name: String

        @Option(name: .customLong("team"), help: "A team (id or name) whose members may use it; repeat for several. None: admins only.")
        var teams: [String] = []

        @Option(
            name: .customLong("embedding-model"),
            help: "The embedding model of its vectors (default: the first configured, else all-MiniLM-L6-v2)."
        )
        var embeddingModel: String?

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let workspace = try await storage.openKnowledge()
            let known = workspace.embeddingModels.map(\.id)
            let model = embeddingModel ?? known[0]
            guard known.contains(model) else {
                throw CommandFailure("the embedding model '\(model)' is not configured (configured: \(known.joined(separator: ", ")))")
            }
            let collection = try await workspace.administration.createCollection(name: name, teams: teams, embeddingModel: model)
            let teamsText = collection.teamIDs.isEmpty ? "admins only" : "teams \(teams.joined(separator: ", "))"
            Console.print("Created the collection '\(collection.name)' (id \(collection.id), \(teamsText), embedding model \(model)).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the collections.")

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let workspace = try await storage.openKnowledge()
            var rows = [["ID", "NAME", "TEAMS", "EMBEDDING MODEL", "DOCUMENTS", "CHUNKS", "MANAGED BY"]]
            for collection in try await workspace.knowledge.collections() {
                var teamNames: [String] = []
                for id in collection.teamIDs { teamNames.append(try await workspace.stores.identities.team(id: id)?.name ?? id) }
                let documents = try await workspace.knowledge.documents(inCollection: collection.id)
                rows.append([
                    collection.id, collection.name, teamNames.isEmpty ? "-" : teamNames.joined(separator: ","), collection.embeddingModel,
                    String(documents.count), String(documents.map(\.chunkCount).reduce(0, +)), collection.managedBy ?? "-",
                ])
            }
            Console.table(rows)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a collection with its documents, chunks and vectors.")

        @Argument(help: "The collection's id or name.")
        var collection: String

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let workspace = try await storage.openKnowledge()
            let found = try await workspace.administration.existingCollection(collection)
            try await workspace.administration.deleteCollection(found)
            Console.print("Deleted the collection '\(found.name)' and its documents.")
        }
    }

    struct Documents: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a collection's documents and where each is in ingestion.")

        @Argument(help: "The collection's id or name.")
        var collection: String

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let workspace = try await storage.openKnowledge()
            let found = try await workspace.administration.existingCollection(collection)
            var rows = [["ID", "NAME", "STATUS", "FORMAT", "BYTES", "PAGES", "CHUNKS", "UPDATED", "FAILURE"]]
            for document in try await workspace.knowledge.documents(inCollection: found.id) {
                rows.append([
                    document.id, document.name, document.status.rawValue, document.format, String(document.byteCount),
                    String(document.pageCount), String(document.chunkCount), Console.format(document.updatedAt), document.failure ?? "-",
                ])
            }
            Console.table(rows)
        }
    }
}
