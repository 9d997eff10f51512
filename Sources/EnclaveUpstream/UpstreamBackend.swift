// Enclave upstream: an OpenAI-compatible server (one or more replicas) behind the backend protocol.

public import AsyncHTTPClient
public import EnclaveCore
import Foundation
public import Logging
import NIOCore
import NIOSSL
import Synchronization

/// One `backends:` entry: an OpenAI-compatible server (vLLM, llama.cpp server, Ollama's `/v1`, TGI) with
/// one or more replicas, behind ``InferenceBackend`` so that the gateway gives its models the same keys,
/// limits, fair scheduler, audit and metrics as the embedded engine.
///
/// - ``prepare(_:)`` does not tokenise: the prompt's tokens are left `nil` and the upstream's usage counts them.
/// - ``generate(_:)`` POSTs `chat/completions` (or `completions`) with `stream: true` and
///   `stream_options.include_usage` to the replica with the fewest outstanding requests (``ReplicaPool``),
///   and turns the event stream into deltas as the bytes arrive. A connect error, 5xx or timeout before the
///   first delta is retried on another replica (``UpstreamConfiguration/retries``, with jitter); once a delta
///   went out nothing is retried. When every replica is down or answers 429, the model's fallbacks are tried.
/// - ``capacity`` is the sum of the replicas' concurrency.
///
/// ```swift
/// let backend = UpstreamBackend(configuration: declared, client: client, directory: directory, logger: logger)
/// ```
public final class UpstreamBackend: InferenceBackend {
    /// The declaration.
    public let configuration: UpstreamConfiguration
    let client: HTTPClient
    let directory: UpstreamDirectory
    let logger: Logger
    let tls: TLSConfiguration?
    let pool: Mutex<ReplicaPool>
    private let discovered = Mutex<[String]>([])
    private let declaredAt: Int
    /// Time since the backend was made, on its clock (the pool's `now`).
    let elapsed: @Sendable () -> Duration
    /// Sleeps on the backend's clock (backoff between attempts).
    let sleep: @Sendable (Duration) async throws -> Void

    /// Creates the backend and registers it in `directory`.
    /// - Parameters:
    ///   - configuration: The `backends[]` entry.
    ///   - client: The HTTP client shared by every upstream backend.
    ///   - directory: Where fallbacks find the backends of other models.
    ///   - logger: Where attempts that failed are reported (never with prompt or completion text).
    ///   - clock: The breakers' and backoff's clock.
    public init<C: Clock<Duration>>(
        configuration: UpstreamConfiguration,
        client: HTTPClient,
        directory: UpstreamDirectory,
        logger: Logger,
        clock: C = ContinuousClock()
    ) throws {
        self.configuration = configuration
        self.client = client
        self.directory = directory
        self.logger = logger
        self.tls = try Self.tlsConfiguration(configuration)
        self.pool = Mutex(
            ReplicaPool(
                count: configuration.replicas.count,
                failureThreshold: configuration.health.failureThreshold,
                cooldown: .nanoseconds(Int64(configuration.health.cooldownSeconds * 1e9))
            )
        )
        self.declaredAt = Int(Date().timeIntervalSince1970)
        let origin = clock.now
        self.elapsed = { origin.duration(to: clock.now) }
        self.sleep = { try await clock.sleep(for: $0) }
        directory.register(self)
    }

    private static func tlsConfiguration(_ configuration: UpstreamConfiguration) throws -> TLSConfiguration? {
        guard configuration.caFile != nil || !configuration.tlsVerify else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        if !configuration.tlsVerify { tls.certificateVerification = .none }
        if let caFile = configuration.caFile {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw ModelLoadFailure(reason: "backend '\(configuration.name)': the CA file cannot be read as PEM certificates")
            }
        }
        return tls
    }

    /// The model ids clients may send: the listed (or discovered) models, then the aliases.
    public var modelIDs: [String] {
        (configuration.models ?? discovered.withLock { $0 }) + configuration.aliases.keys.sorted()
    }

    /// Whether `model` (an id or an alias) is served here.
    public func serves(_ model: String) -> Bool {
        if configuration.aliases[model] != nil { return true }
        if let models = configuration.models { return models.contains(model) }
        return discovered.withLock { $0.contains(model) }
    }

    /// The name the upstream knows `model` by (an alias resolved).
    func upstreamName(of model: String) -> String { configuration.aliases[model] ?? model }

    /// Replaces the discovered models (``UpstreamHealthService`` reads `GET {url}/models`).
    func updateDiscovered(_ models: [String]) {
        discovered.withLock { $0 = models }
    }

    public func models() async -> [ModelDescriptor] {
        modelIDs.map {
            ModelDescriptor(id: $0, ownedBy: configuration.name, contextLength: configuration.contextLength ?? 0, created: declaredAt)
        }
    }

    /// Ready while a replica of the model, or of one of its fallbacks, is in rotation.
    public func state(of model: String) async -> ModelState? {
        guard serves(model) else { return nil }
        if isAvailable { return .ready }
        let fallbacks = configuration.fallbacks[upstreamName(of: model)] ?? configuration.fallbacks[model] ?? []
        for fallback in fallbacks where directory.backend(serving: fallback)?.isAvailable == true { return .ready }
        return .failed("every replica of the upstream '\(configuration.name)' is out of rotation")
    }

    /// Whether a replica would take a request now.
    var isAvailable: Bool {
        let now = elapsed()
        return pool.withLock { $0.isAvailable(now: now) }
    }

    public func prepare(_ request: InferenceRequest) async throws -> PreparedInference {
        guard serves(request.model) else { throw InferenceError.unknownModel(request.model) }
        if let limit = configuration.contextLength, let asked = request.parameters.maxTokens, asked > limit {
            throw InferenceError.contextLengthExceeded(promptTokens: 0, completionTokens: asked, limit: limit)
        }
        // What limits reserve until the upstream reports the real counts.
        let maxTokens = request.parameters.maxTokens ?? configuration.contextLength ?? 4096
        return PreparedInference(request: request, promptTokens: nil, maxTokens: maxTokens)
    }

    public func generate(_ prepared: PreparedInference) -> AsyncThrowingStream<InferenceEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await self.run(prepared, into: continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            // A client that leaves (or shutdown) drops the stream: the upstream request is cancelled with it.
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public var capacity: Int { configuration.capacity }

    public func gauges() async -> [BackendGauge] {
        let pool = self.pool.withLock { $0 }
        var gauges: [BackendGauge] = []
        for (index, replica) in pool.replicas.enumerated() {
            let label = "\(configuration.name)[\(index)]"
            let up: Double = if case .closed = replica.breaker { 1 } else { 0 }
            gauges.append(BackendGauge(name: "enclave_upstream_replica_up", model: label, value: up))
            gauges.append(BackendGauge(name: "enclave_upstream_replica_outstanding", model: label, value: Double(replica.outstanding)))
        }
        return gauges
    }

}

extension UpstreamBackend: ReplicaReporting {
    /// Each replica's breaker state (`closed`, `open`, `half_open`) and outstanding requests, for `/readyz`.
    public func replicaStatuses() -> [ReplicaStatus] {
        let pool = self.pool.withLock { $0 }
        return pool.replicas.indices.map {
            ReplicaStatus(backend: configuration.name, index: $0, state: pool.stateName(of: $0), outstanding: pool.replicas[$0].outstanding)
        }
    }
}
