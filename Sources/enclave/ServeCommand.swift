// Enclave: `enclave serve`.

import ArgumentParser
import AsyncHTTPClient
import EnclaveBackends
import EnclaveCore
import EnclaveGateway
import EnclaveKnowledge
import EnclaveServer
import EnclaveStorage
import EnclaveUpstream
import Foundation
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the OpenAI-compatible server.",
        discussion: """
            Reads the configuration file if one is given (see enclave.example.yaml), then applies the flags. \
            Without a configuration it serves models/SmolLM2-135M-Instruct.Q4_1.gguf on 127.0.0.1:8080, \
            and the embedding model models/all-MiniLM-L6-v2 when that folder exists. \
            Each model loads (and passes a short sanity generation) on its own, after the server listens; \
            one that fails is reported on /readyz while the others serve. \
            On first start it creates an admin API key and prints it once. \
            The teams, users and keys the file declares are applied to the database before the server listens.
            """
    )

    @Option(name: .long, help: "A YAML configuration file.")
    var config: String?

    @Option(name: .long, help: "The address to bind (overrides listen.host).")
    var host: String?

    @Option(name: .long, help: "The port to listen on; 0 picks a free one (overrides listen.port).")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Where the database and generated secrets live (overrides storage.data_dir; default ./data).")
    var dataDir: String?

    @Option(name: .long, help: "Serve this GGUF file alone (model id: its file name without .gguf), instead of the configured models.")
    var model: String?

    /// How the backend is built; the embedded engine unless a caller plugs in another.
    var backendFactory: BackendFactory { .embedded }

    func run() async throws {
        DataDirectory.restrictNewFilesToOwner()
        var configuration = try resolvedConfiguration()
        let logger = LogSetup.bootstrap(configuration.logging)
        let descriptors = DescriptorLimit.raiseToHardLimit()
        logger.info("file descriptor limit", metadata: ["limit": "\(descriptors?.soft ?? -1)", "hard": "\(descriptors?.hard ?? -1)"])
        for model in configuration.models where !FileManager.default.fileExists(atPath: model.file) {
            throw CommandFailure("model '\(model.id)': the file \(model.file) does not exist (run `make models` for the default model)")
        }

        // The guardrail policies are checked before anything starts: a request is never served unguarded.
        let guardrails = try GuardrailService.configured(configuration)

        let database = try SQLiteDatabase(dataDirectory: configuration.storage.dataDirectory)
        let stores = database.stores()
        let assistantStore = SQLiteAssistantStore(database: database)
        // Collections and their documents, encrypted at rest (the key from the config, the environment or
        // data/knowledge.key).
        let knowledgeKey = try KnowledgeKeyFile.key(
            configured: configuration.knowledge.encryptionKey,
            dataDirectory: configuration.storage.dataDirectory
        )
        let knowledgeStore = try SQLiteKnowledgeStore(database: database, cipher: KnowledgeCipher(key: knowledgeKey))
        if let secret = try await AdminKeyBootstrap.ensureAdminKey(in: stores.keys, identities: stores.identities) {
            Console.print("Created the first admin API key. It is shown only this once; store it now:")
            Console.print(secret.value)
            try await auditFirstAdminKey(secret, stores: stores)
        }
        // The file's teams, users and keys, before the server accepts a connection.
        if let config {
            try await ConfigurationFile.reconcile(configuration.identities, path: config, stores: stores, logger: logger)
            configuration.limits.overrides = try await ConfigurationFile.limitOverrides(configuration.identities, stores: stores)
            try await ConfigurationFile.reconcileAssistants(
                configuration,
                path: config,
                stores: stores,
                assistants: assistantStore,
                knowledge: knowledgeStore,
                modelIDs: Set(configuration.models.map(\.id) + configuration.backends.flatMap { ($0.models ?? []) + $0.aliases.keys }),
                logger: logger
            )
        }
        // Password logins: the session key is made once and kept in the data directory (0600).
        let sessionKey = try SessionKeyFile.loadOrCreate(in: configuration.storage.dataDirectory)
        let sessions = SessionAuthenticator(stores: stores, settings: configuration.sessions, key: sessionKey)

        // Rate limits and budgets; the budgets start from the usage this month recorded in the database.
        let limitGate = try await LimitGate(store: stores.usage)

        // The embedding models load here, before the server listens: mapping a folder takes milliseconds.
        let embeddings = try EmbeddingModels.load(configuration.models, logger: logger)

        // Assistants answer as models, retrieving from their collections with the collection's embedding model.
        let assistants = AssistantPipeline(
            assistants: assistantStore,
            knowledge: knowledgeStore,
            retriever: EmbeddingRoutedRetriever(store: knowledgeStore, embedders: embeddings)
        )

        // The ingestion worker resumes unfinished documents.
        let knowledge = KnowledgeIngestor(
            store: knowledgeStore,
            embedders: embeddings,
            settings: IngestionSettings(configuration.knowledge),
            screen: guardrails.documentScreen,
            logger: logger
        )

        // One backend (and so one scheduler with its own capacity) per chat model.
        let backends = configuration.models.filter { $0.kind == .chat }.map { LoadingBackend(model: $0) }
        let loader = BackendLoader(backends: backends, build: backendFactory.make, logger: logger)
        // The upstream servers (`backends:`): one backend, and so one scheduler, per entry; one HTTP client for all.
        let upstreamClient = configuration.backends.isEmpty ? nil : UpstreamHTTPClient.make(for: configuration.backends)
        let directory = UpstreamDirectory()
        var upstreams: [UpstreamBackend] = []
        if let upstreamClient {
            do {
                for declared in configuration.backends {
                    upstreams.append(try UpstreamBackend(configuration: declared, client: upstreamClient, directory: directory, logger: logger))
                }
            } catch {
                try? await upstreamClient.shutdown()
                throw CommandFailure("\(error)")
            }
        }
        var routed: [RoutedBackend] = backends.map { RoutedBackend(models: [$0.model.id], backend: $0) }
        for upstream in upstreams {
            // A backend that discovers its models also takes the ids it finds later.
            var claims: (@Sendable (String) -> Bool)?
            if upstream.configuration.models == nil {
                claims = { @Sendable model in upstream.serves(model) }
            }
            routed.append(RoutedBackend(models: upstream.modelIDs, backend: upstream, name: upstream.configuration.name, claims: claims))
        }
        let upstreamServices: [any Service] = upstreams.isEmpty ? [] : [UpstreamHealthService(backends: upstreams, logger: logger)]
        let retention = auditRetention(configuration, log: stores.audit, logger: logger)
        let host = configuration.listen.host
        let app = buildApplication(
            configuration: configuration,
            backends: routed,
            stores: stores,
            limitGate: limitGate,
            embeddings: embeddings,
            sessions: sessions,
            assistants: assistants,
            knowledge: knowledge,
            guardrails: guardrails,
            logger: logger,
            services: [loader, IngestionService(ingestor: knowledge)] + upstreamServices + retention,
            onServerRunning: { port in
                let shownHost = host.contains(":") ? "[\(host)]" : host
                Console.print("Enclave is listening on http://\(shownHost):\(port.map(String.init) ?? "?")")
            }
        )

        do {
            try await ServerLifecycle.run(ServerLifecycle.serviceGroup(running: app, settings: configuration.server, logger: logger))
        } catch {
            try? await upstreamClient?.shutdown()
            throw error
        }
        try? await upstreamClient?.shutdown()
        logger.info("stopped")
    }

    /// Defaults, then the file, then the flags.
    func resolvedConfiguration() throws -> EnclaveConfiguration {
        var configuration = try config.map { try ConfigurationFile.load(path: $0) } ?? EnclaveConfiguration()
        if let host {
            guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
            configuration.listen.host = host
        }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
            configuration.listen.port = port
        }
        if let dataDir { configuration.storage.dataDirectory = dataDir }
        if let model {
            configuration.models = [ModelConfiguration(file: model)]
        } else if config == nil, FileManager.default.fileExists(atPath: ModelConfiguration.defaultEmbedding.file + "/model.safetensors") {
            configuration.models.append(.defaultEmbedding)
        }
        return configuration
    }
}
