// Enclave gateway: one model's backend while it is built and checked.

public import EnclaveCore
public import Foundation
import Synchronization

/// One declared model, from the start of its load to its end: it reports `loading` (503 for requests,
/// `/readyz` not ready) while the real backend is built and passes its health check (the embedded engine's
/// sanity generation), then hands everything to it; if either step fails, or the check does not finish within
/// ``Configuration/healthCheckTimeout``, the model reports `failed` with a reason that says what failed and
/// nothing more (no file paths: `/readyz` is unauthenticated).
///
/// Each model has its own `LoadingBackend`, so one bad model file leaves the others serving.
///
/// ```swift
/// let backend = LoadingBackend(model: declaration)
/// // in a service, after the server started listening:
/// let failure = await backend.load { try await factory.make(declaration, logger) }
/// ```
public final class LoadingBackend: InferenceBackend {
    /// Bounds of a load.
    public struct Configuration: Sendable, Hashable {
        /// The longest the health check (sanity generation) may take.
        public var healthCheckTimeout: Duration

        /// Creates bounds.
        public init(healthCheckTimeout: Duration = .seconds(120)) {
            self.healthCheckTimeout = healthCheckTimeout
        }
    }

    private enum Phase: Sendable {
        case loading
        case loaded(any InferenceBackend)
        case failed(String)
    }

    /// The declared model.
    public let model: ModelConfiguration
    /// Its bounds.
    public let configuration: Configuration
    private let declaredAt: Int
    private let phase = Mutex<Phase>(.loading)

    /// Creates a backend in the `loading` state for `model`.
    /// - Parameters:
    ///   - model: The declared model.
    ///   - configuration: Bounds of the load.
    ///   - now: The wall clock, for the `created` time listed while the model loads.
    public init(model: ModelConfiguration, configuration: Configuration = Configuration(), now: @Sendable () -> Date = { Date() }) {
        self.model = model
        self.configuration = configuration
        self.declaredAt = Int(now().timeIntervalSince1970)
    }

    /// Builds the real backend and runs its health check within the time bound, on `clock`.
    ///
    /// A ``ModelLoadFailure`` thrown by `build` or by the check keeps its reason; any other error is reported as
    /// "the model could not be loaded", with the error itself in the returned failure's detail.
    /// - Returns: `nil` once the model is ready, or what failed (its ``ModelLoadFailure/detail`` is for the log).
    @discardableResult
    public func load<C: Clock<Duration>>(
        clock: C = ContinuousClock(),
        _ build: () async throws -> any InferenceBackend
    ) async -> ModelLoadFailure? {
        let backend: any InferenceBackend
        do {
            backend = try await build()
        } catch {
            return fail(Self.failure(error, stage: "the model could not be loaded"))
        }
        do {
            try await Self.check(backend, within: configuration.healthCheckTimeout, clock: clock)
        } catch {
            await backend.shutdown()
            return fail(Self.failure(error, stage: "the model's sanity generation failed"))
        }
        phase.withLock { $0 = .loaded(backend) }
        return nil
    }

    private func fail(_ failure: ModelLoadFailure) -> ModelLoadFailure {
        phase.withLock { $0 = .failed(failure.reason) }
        return failure
    }

    private static func failure(_ error: any Error, stage: String) -> ModelLoadFailure {
        if let failure = error as? ModelLoadFailure { return failure }
        return ModelLoadFailure(reason: stage, detail: "\(error)")
    }

    /// Runs the backend's health check, or throws when it takes longer than `timeout`.
    private static func check<C: Clock<Duration>>(_ backend: any InferenceBackend, within timeout: Duration, clock: C) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await backend.checkHealth()
                return true
            }
            group.addTask {
                try await clock.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            guard let passed = try await group.next(), passed else {
                throw ModelLoadFailure(reason: "the model's sanity generation did not finish within \(timeout)")
            }
        }
    }

    /// The backend once loaded and checked.
    var loadedBackend: (any InferenceBackend)? { loaded }

    private var loaded: (any InferenceBackend)? {
        phase.withLock { phase in
            if case .loaded(let backend) = phase { return backend }
            return nil
        }
    }

    public func models() async -> [ModelDescriptor] {
        if let loaded { return await loaded.models() }
        return [ModelDescriptor(id: model.id, ownedBy: "enclave", contextLength: model.contextLength ?? 0, created: declaredAt)]
    }

    public func state(of id: String) async -> ModelState? {
        let snapshot = phase.withLock { phase -> Snapshot in
            switch phase {
            case .loaded(let backend): .loaded(backend)
            case .loading: .pending(.loading)
            case .failed(let reason): .pending(.failed(reason))
            }
        }
        switch snapshot {
        case .loaded(let backend): return await backend.state(of: id)
        case .pending(let state): return id == model.id ? state : nil
        }
    }

    public func prepare(_ request: InferenceRequest) async throws -> PreparedInference {
        if let loaded { return try await loaded.prepare(request) }
        switch await state(of: request.model) {
        case nil: throw InferenceError.unknownModel(request.model)
        case .failed(let reason): throw InferenceError.unavailable(request.model, reason: reason)
        default: throw InferenceError.notReady(request.model)
        }
    }

    public func generate(_ prepared: PreparedInference) -> AsyncThrowingStream<InferenceEvent, any Error> {
        if let loaded { return loaded.generate(prepared) }
        return AsyncThrowingStream { $0.finish(throwing: InferenceError.notReady(prepared.request.model)) }
    }

    public var capacity: Int { loaded?.capacity ?? 1 }

    public func gauges() async -> [BackendGauge] {
        await loaded?.gauges() ?? []
    }

    public func checkHealth() async throws {
        guard let loaded else { throw ModelLoadFailure(reason: "the model is not loaded") }
        try await loaded.checkHealth()
    }

    public func shutdown() async {
        await loaded?.shutdown()
    }
}

/// The phase read under the lock; the loaded backend is asked after it.
private enum Snapshot {
    case loaded(any InferenceBackend)
    case pending(ModelState)
}
