// Enclave: the server's configuration, as plain values with defaults.

/// Everything `enclave serve` is configured with. Built from defaults, then the YAML file
/// (``init(yaml:source:baseDirectory:environment:)``), then command-line flags.
///
/// The YAML keys are listed in `enclave.example.yaml` and `docs/configuration.md`:
/// `listen.host`, `listen.port`, `storage.data_dir`, `models[].id|file|kind|context_length|kv_budget|threads`,
/// `backends[].name|type|url|replicas|api_key|ca_file|tls_verify|timeouts|concurrency|models|aliases|fallbacks|context_length|retries|health`,
/// `limits.max_body_bytes|max_tokens|queue_length|queue_length_per_principal`,
/// `limits.per_key|per_user|per_team.requests_per_minute|tokens_per_minute|tokens_per_day|tokens_per_month`, `logging.level|format`,
/// `scheduling.policy|preemption|queue_per_user|queue_length`, `audit.retention_days`, `teams[]`, `users[]`, `keys[]` (see ``DeclaredIdentities``),
/// `server.shutdown_grace_seconds|request_head_timeout_seconds|request_body_timeout_seconds|idle_timeout_seconds|max_connections|max_connections_per_client`,
/// `sessions.idle_minutes|absolute_hours|secure_cookie`,
/// `knowledge.encryption_key|max_document_bytes|chunk_tokens|chunk_overlap_tokens`, `guardrails.default_policy|policies` (see ``GuardrailSettings``).
public struct EnclaveConfiguration: Sendable, Hashable {
    /// Where the HTTP server listens.
    public var listen: ListenConfiguration
    /// Where the server keeps its state.
    public var storage: StorageConfiguration
    /// The models to serve.
    public var models: [ModelConfiguration]
    /// The OpenAI-compatible upstream servers (`backends:`), routed beside the embedded models.
    public var backends: [UpstreamConfiguration] = []
    /// Request and queue limits.
    public var limits: LimitsConfiguration
    /// Log level and format.
    public var logging: LoggingConfiguration
    /// Server lifecycle settings.
    public var server: ServerSettings
    /// Web session lifetimes and cookie flags.
    public var sessions: SessionSettings = .init()
    /// The teams, users and keys the file declares (`teams:`, `users:`, `keys:`), reconciled into the
    /// database at start by ``ConfigurationReconciler``.
    public var identities: DeclaredIdentities
    /// The audit log's retention.
    public var audit: AuditConfiguration
    /// How the scheduler in front of each backend orders requests.
    public var scheduling: SchedulingConfiguration = .init()
    /// How documents are encrypted at rest and cut into chunks.
    public var knowledge: KnowledgeSettings = .init()
    /// The guardrail policies (`guardrails:`).
    public var guardrails: GuardrailSettings = .init()
    /// The assistants the file declares (`assistants:`), reconciled at start.
    public var assistants: [DeclaredAssistant] = []
    /// The knowledge collections the file declares (`collections:`), reconciled at start.
    public var collections: [DeclaredCollection] = []

    /// Creates a configuration; every argument has its default.
    public init(
        listen: ListenConfiguration = .init(),
        storage: StorageConfiguration = .init(),
        models: [ModelConfiguration] = [.default],
        limits: LimitsConfiguration = .init(),
        logging: LoggingConfiguration = .init(),
        server: ServerSettings = .init(),
        identities: DeclaredIdentities = .init(),
        audit: AuditConfiguration = .init()
    ) {
        self.listen = listen
        self.storage = storage
        self.models = models
        self.limits = limits
        self.logging = logging
        self.server = server
        self.identities = identities
        self.audit = audit
    }
}

/// Where the HTTP server listens (`listen:`).
public struct ListenConfiguration: Sendable, Hashable {
    /// The address to bind (`listen.host`); loopback unless told otherwise.
    public var host: String
    /// The TCP port (`listen.port`); 0 picks a free port.
    public var port: Int

    /// Creates a listen address: 127.0.0.1:8080 by default.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Where the server keeps its database and generated secrets (`storage:`).
public struct StorageConfiguration: Sendable, Hashable {
    /// The data directory (`storage.data_dir`).
    public var dataDirectory: String

    /// Creates storage settings: `./data` by default.
    public init(dataDirectory: String = "data") {
        self.dataDirectory = dataDirectory
    }
}

/// One model to serve (`models[]`).
public struct ModelConfiguration: Sendable, Hashable {
    /// The id clients send as `model` (`models[].id`).
    public var id: String
    /// Path of the GGUF file (`models[].file`).
    public var file: String
    /// The context window in tokens (`models[].context_length`); `nil`: the model's own.
    public var contextLength: Int?
    /// Bytes of memory the KV cache may use (`models[].kv_budget`); `nil`: the engine's default.
    public var kvBudgetBytes: Int?
    /// Threads for this model's compute (`models[].threads`); `nil`: one per core.
    public var threads: Int?
    /// What the model serves (`models[].kind`): chat (a GGUF file) or embedding (a sentence-transformers folder).
    public var kind: ModelKind

    /// Creates a model entry.
    public init(
        id: String,
        file: String,
        contextLength: Int? = nil,
        kvBudgetBytes: Int? = nil,
        threads: Int? = nil,
        kind: ModelKind = .chat
    ) {
        self.id = id
        self.file = file
        self.contextLength = contextLength
        self.kvBudgetBytes = kvBudgetBytes
        self.threads = threads
        self.kind = kind
    }

    /// The default model: SmolLM2-135M-Instruct, as `make models` fetches it.
    public static let `default` = ModelConfiguration(file: "models/SmolLM2-135M-Instruct.Q4_1.gguf")

    /// The default embedding model: all-MiniLM-L6-v2, as `make models` fetches it (served when its folder exists).
    public static let defaultEmbedding = ModelConfiguration(id: "all-MiniLM-L6-v2", file: "models/all-MiniLM-L6-v2", kind: .embedding)

    /// A model entry whose id is the file's name without `.gguf` (what `--model PATH` serves).
    public init(file: String) {
        self.init(id: Self.id(forFile: file), file: file)
    }

    /// The id of a model file: its name without the directory and the `.gguf` extension.
    public static func id(forFile file: String) -> String {
        var name = Substring(file)
        while name.count > 1, name.hasSuffix("/") { name = name.dropLast() }
        if let slash = name.lastIndex(of: "/") { name = name[name.index(after: slash)...] }
        if name.lowercased().hasSuffix(".gguf") { name = name.dropLast(5) }
        return name.isEmpty ? file : String(name)
    }
}

/// Request and queue limits (`limits:`).
public struct LimitsConfiguration: Sendable, Hashable {
    /// The largest request body in bytes (`limits.max_body_bytes`); larger gets 413.
    public var maxBodyBytes: Int
    /// The most completion tokens a request may ask for (`limits.max_tokens`); `nil`: up to the context.
    public var maxTokens: Int?
    /// How many requests may wait for a slot, in total (`limits.queue_length`); more get 429.
    public var queueLength: Int
    /// How many requests one principal may have waiting (`limits.queue_length_per_principal`).
    public var queueLengthPerPrincipal: Int?
    /// The rate limits of every API key (`limits.per_key`: requests and tokens per minute).
    public var perKey: LimitPolicy
    /// The rate limits and budgets of every user (`limits.per_user`), unless the user has its own.
    public var perUser: LimitPolicy
    /// The rate limits and budgets of every team (`limits.per_team`), unless the team has its own.
    public var perTeam: LimitPolicy
    /// The users and teams with limits of their own (`users[].limits`, `teams[].limits`), by subject: each
    /// replaces ``perUser`` or ``perTeam`` for that user or team. Filled at start, once the declared users'
    /// and teams' ids are known.
    public var overrides: [LimitSubject: LimitPolicy] = [:]

    /// Creates limits: 1 MiB bodies, no token cap, a queue of 64, no rate limits or budgets.
    public init(
        maxBodyBytes: Int = 1 << 20,
        maxTokens: Int? = nil,
        queueLength: Int = 64,
        queueLengthPerPrincipal: Int? = nil,
        perKey: LimitPolicy = .unlimited,
        perUser: LimitPolicy = .unlimited,
        perTeam: LimitPolicy = .unlimited
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTokens = maxTokens
        self.queueLength = queueLength
        self.queueLengthPerPrincipal = queueLengthPerPrincipal
        self.perKey = perKey
        self.perUser = perUser
        self.perTeam = perTeam
    }
}

/// Logging (`logging:`).
public struct LoggingConfiguration: Sendable, Hashable {
    /// The output format.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// One human-readable line per event.
        case text
        /// One JSON object per line.
        case json
    }

    /// The minimum level (`logging.level`): trace, debug, info, notice, warning, error or critical.
    public var level: String
    /// The format (`logging.format`).
    public var format: Format

    /// The level names accepted.
    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Creates logging settings: info, text.
    public init(level: String = "info", format: Format = .text) {
        self.level = level
        self.format = format
    }
}
