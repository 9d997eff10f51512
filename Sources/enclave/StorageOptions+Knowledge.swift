// Enclave: opening the knowledge store from the CLI.

import EnclaveBackends
import EnclaveCore
import EnclaveKnowledge
import EnclaveStorage
import Foundation

/// The database's stores with the knowledge store and the configuration they were opened with: what
/// `enclave collections` and `enclave ingest` work on, beside a running server or not.
struct KnowledgeWorkspace {
    let configuration: EnclaveConfiguration
    let stores: EnclaveStores
    let knowledge: any KnowledgeStore

    var administration: KnowledgeAdministration {
        KnowledgeAdministration(store: knowledge, identities: stores.identities, audit: stores.audit)
    }

    /// The embedding models the CLI knows: the configuration's, else the default folder's.
    var embeddingModels: [ModelConfiguration] {
        let configured = configuration.models.filter { $0.kind == .embedding }
        return configured.isEmpty ? [.defaultEmbedding] : configured
    }

    /// Loads the embedding model a collection's vectors come from.
    /// - Throws: ``CommandFailure`` if it is not configured or its folder does not load.
    func embedder(for collection: KnowledgeCollection) throws -> any EmbeddingBackend {
        guard let model = embeddingModels.first(where: { $0.id == collection.embeddingModel }) else {
            throw CommandFailure(
                "the collection '\(collection.name)' uses the embedding model '\(collection.embeddingModel)', which the configuration does not declare"
            )
        }
        do {
            return try SentenceEmbeddingBackend(model: model)
        } catch let failure as ModelLoadFailure {
            throw CommandFailure("embedding model '\(model.id)': \(failure.detail)")
        }
    }
}

extension StorageOptions {
    /// Opens the database and its knowledge store (the key from `knowledge.encryption_key`, else the data
    /// directory's `knowledge.key`).
    func openKnowledge() async throws -> KnowledgeWorkspace {
        DataDirectory.restrictNewFilesToOwner()
        let configuration = try config.map { try EnclaveConfiguration.load(path: $0, readingDeclarations: false) } ?? EnclaveConfiguration()
        let directory = try dataDirectory()
        let database = try SQLiteDatabase(dataDirectory: directory)
        let stores = database.stores()
        _ = try await stores.identities.ensureBuiltInAdmin(at: SystemWallClock().now())
        let key = try KnowledgeKeyFile.key(configured: configuration.knowledge.encryptionKey, dataDirectory: directory)
        let knowledge = try SQLiteKnowledgeStore(database: database, cipher: KnowledgeCipher(key: key))
        return KnowledgeWorkspace(configuration: configuration, stores: stores, knowledge: knowledge)
    }
}
