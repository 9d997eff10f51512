// Enclave: an OpenAI-compatible upstream server declared under `backends:`.

/// One upstream backend (`backends[]`): an OpenAI-compatible server (vLLM, llama.cpp server, Ollama's
/// `/v1`, TGI, a hosted API) with one or more replicas, the models it serves, their aliases and fallbacks.
///
/// The minimal declaration:
///
/// ```yaml
/// backends:
///   - name: gpu-box
///     type: openai
///     url: http://gpu-box.internal:8000/v1
///     models: [llama-3-8b]
/// ```
public struct UpstreamConfiguration: Sendable, Hashable {
    /// The protocol the upstream speaks (`backends[].type`).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// OpenAI's `/chat/completions`, `/completions` and `/models`.
        case openai
    }

    /// Timeouts of each upstream request (`backends[].timeouts`), in seconds.
    public struct Timeouts: Sendable, Hashable {
        /// Connecting (TCP and TLS) to a replica (`connect`).
        public var connect: Double
        /// From sending the request to the answer's first byte (`first_byte`).
        public var firstByte: Double
        /// The longest pause between two chunks of an answer (`idle`).
        public var idle: Double
        /// The whole request (`total`).
        public var total: Double

        /// Creates timeouts: 5 s to connect, 60 s to the first byte, 30 s between chunks, 600 s in all.
        public init(connect: Double = 5, firstByte: Double = 60, idle: Double = 30, total: Double = 600) {
            self.connect = connect
            self.firstByte = firstByte
            self.idle = idle
            self.total = total
        }
    }

    /// Active health checks and the circuit breaker of each replica (`backends[].health`).
    public struct Health: Sendable, Hashable {
        /// Seconds between two health checks of a replica (`interval`); 0 turns them off.
        public var intervalSeconds: Double
        /// The path asked, relative to the replica's URL (`path`); `nil`: `/models`.
        public var path: String?
        /// Consecutive failures (connect errors, 5xx, timeouts) that open a replica's breaker (`failures`).
        public var failureThreshold: Int
        /// Seconds an open breaker waits before one probe request may try the replica again (`cooldown`).
        public var cooldownSeconds: Double

        /// Creates health settings: a check every 10 s of `/models`, open after 3 failures, 5 s cooldown.
        public init(intervalSeconds: Double = 10, path: String? = nil, failureThreshold: Int = 3, cooldownSeconds: Double = 5) {
            self.intervalSeconds = intervalSeconds
            self.path = path
            self.failureThreshold = failureThreshold
            self.cooldownSeconds = cooldownSeconds
        }
    }

    /// The name, in logs, metrics and `/readyz` (`backends[].name`).
    public var name: String
    /// The protocol (`backends[].type`).
    public var kind: Kind
    /// The base URL of each replica, ending before `/chat/completions` (`url`, or `replicas: [url, ...]`).
    public var replicas: [String]
    /// The bearer key sent upstream (`api_key`, usually `${ENV}`); `nil`: none.
    public var apiKey: String?
    /// A PEM file of the CA certificates that sign the upstream's certificate (`ca_file`); `nil`: the system's.
    public var caFile: String?
    /// Whether the upstream's TLS certificate is verified (`tls_verify`, on by default).
    public var tlsVerify: Bool
    /// The request timeouts.
    public var timeouts: Timeouts
    /// How many requests one replica runs at once (`concurrency`); the model's scheduler admits the sum over replicas.
    public var concurrencyPerReplica: Int
    /// The models served, as the upstream names them (`models`); `nil`: discovered from `GET {url}/models`.
    public var models: [String]?
    /// Other ids clients may send, each naming a model of this backend (`aliases: {gpt-4o-mini: llama-3-8b}`).
    public var aliases: [String: String]
    /// Per model, the models tried in order when every replica is down or refuses with 429
    /// (`fallbacks: {llama-3-8b: [llama-3-8b-small]}`); each may be a model of any upstream backend.
    public var fallbacks: [String: [String]]
    /// The context window reported in `/v1/models` and used to cap `max_tokens` (`context_length`); `nil`: unknown.
    public var contextLength: Int?
    /// How many times a request that failed before its first byte is tried again on another replica (`retries`).
    public var retries: Int
    /// Health checks and the circuit breaker.
    public var health: Health

    /// Creates an upstream backend with one replica.
    public init(
        name: String,
        kind: Kind = .openai,
        replicas: [String],
        apiKey: String? = nil,
        caFile: String? = nil,
        tlsVerify: Bool = true,
        timeouts: Timeouts = .init(),
        concurrencyPerReplica: Int = 8,
        models: [String]? = nil,
        aliases: [String: String] = [:],
        fallbacks: [String: [String]] = [:],
        contextLength: Int? = nil,
        retries: Int = 2,
        health: Health = .init()
    ) {
        self.name = name
        self.kind = kind
        self.replicas = replicas
        self.apiKey = apiKey
        self.caFile = caFile
        self.tlsVerify = tlsVerify
        self.timeouts = timeouts
        self.concurrencyPerReplica = concurrencyPerReplica
        self.models = models
        self.aliases = aliases
        self.fallbacks = fallbacks
        self.contextLength = contextLength
        self.retries = retries
        self.health = health
    }

    /// The scheduler's slots for this backend: every replica's concurrency together.
    public var capacity: Int { replicas.count * concurrencyPerReplica }
}
