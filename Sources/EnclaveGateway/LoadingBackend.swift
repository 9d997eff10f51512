// Enclave gateway: a backend that is still being built.

import Foundation
public import EnclaveCore
import Synchronization

/// Serves the configured models while the real backend loads: until it is ready every model reports
/// `loading` (503 for requests, `/readyz` not ready); if loading fails, every model reports `failed` with
/// the reason. Once loaded, it hands everything to the real backend.
///
/// ```swift
/// let backend = LoadingBackend(models: configuration.models)
/// // in a service, after the server started listening:
/// await backend.load { try await BackendFactory.embedded.make(configuration, logger) }
/// ```
public final class LoadingBackend: InferenceBackend {
    private enum Phase: Sendable {
        case loading
        case loaded(any InferenceBackend)
        case failed(String)
    }

    private let declared: [ModelConfiguration]
    private let declaredAt: Int
    private let phase = Mutex<Phase>(.loading)

    /// Creates a backend in the `loading` state for `models`.
    public init(models: [ModelConfiguration]) {
        self.declared = models
        self.declaredAt = Int(Date().timeIntervalSince1970)
    }

    /// Builds the real backend; failures become the models' `failed` state (with the error's description).
    public func load(_ build: () async throws -> any InferenceBackend) async {
        do {
            let backend = try await build()
            phase.withLock { $0 = .loaded(backend) }
        } catch {
            let reason = (error as? InferenceError)?.message ?? "\(error)"
            phase.withLock { $0 = .failed(reason) }
        }
    }

    private var loaded: (any InferenceBackend)? {
        phase.withLock { phase in
            if case .loaded(let backend) = phase { return backend }
            return nil
        }
    }

    public func models() async -> [ModelDescriptor] {
        if let loaded { return await loaded.models() }
        return declared.map { ModelDescriptor(id: $0.id, ownedBy: "enclave", contextLength: $0.contextLength ?? 0, created: declaredAt) }
    }

    public func state(of model: String) async -> ModelState? {
        let snapshot = phase.withLock { phase -> Snapshot in
            switch phase {
            case .loaded(let backend): .loaded(backend)
            case .loading: .pending(.loading)
            case .failed(let reason): .pending(.failed(reason))
            }
        }
        switch snapshot {
        case .loaded(let backend):
            return await backend.state(of: model)
        case .pending(let state):
            return declared.contains { $0.id == model } ? state : nil
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
}

private enum Snapshot {
    case loaded(any InferenceBackend)
    case pending(ModelState)
}
