// Enclave upstream: active health checks of every replica, and model discovery.

import AsyncHTTPClient
import EnclaveCore
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import Synchronization

extension UpstreamBackend {
    /// The models a replica lists (`GET /models`).
    private struct ModelList: Decodable {
        struct Model: Decodable { var id: String }
        var data: [Model]
    }

    /// Checks every replica once (`GET {url}{health.path}`, by default `/models`): a 2xx closes its breaker,
    /// anything else opens it. With `/models` and no listed models, the ids found become the backend's models.
    public func checkReplicas() async {
        let path = configuration.health.path ?? "/models"
        let timeout = min(configuration.timeouts.connect + configuration.timeouts.firstByte, 30)
        var found: [String]?
        for (index, base) in configuration.replicas.enumerated() {
            var request = HTTPClientRequest(url: base + path)
            request.method = .GET
            if let key = configuration.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
            request.tlsConfiguration = tls
            var passed = false
            do {
                let response = try await client.execute(request, deadline: .now() + .nanoseconds(Int64(timeout * 1e9)), logger: logger)
                let body = try await response.body.collect(upTo: 4 << 20)
                passed = (200..<300).contains(Int(response.status.code))
                if passed, path == "/models", found == nil, let list = try? JSONDecoder().decode(ModelList.self, from: Data(body.readableBytesView)) {
                    found = list.data.map(\.id)
                }
            } catch {
                if Task.isCancelled { return }
            }
            let now = elapsed()
            let before = pool.withLock { pool -> String in
                let before = pool.stateName(of: index)
                pool.healthChecked(index, passed: passed, now: now)
                return before
            }
            let after = passed ? "closed" : "open"
            if before != after {
                logger.notice(
                    "upstream replica health changed",
                    metadata: ["backend": "\(configuration.name)", "replica": "\(index)", "state": "\(after)"]
                )
            }
        }
        if configuration.models == nil, let found { updateDiscovered(found) }
    }
}

/// Runs every upstream backend's health checks on its interval (``UpstreamConfiguration/Health/intervalSeconds``;
/// 0: only the first check, at start, which also discovers the models of a backend that lists none) until shutdown.
public struct UpstreamHealthService: Service {
    let backends: [UpstreamBackend]
    let logger: Logger

    /// Creates the service.
    public init(backends: [UpstreamBackend], logger: Logger) {
        self.backends = backends
        self.logger = logger
    }

    public func run() async throws {
        // The loops end when the server shuts down gracefully.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for backend in backends {
                    group.addTask {
                        let interval = backend.configuration.health.intervalSeconds
                        await backend.checkReplicas()
                        guard interval > 0 else { return }
                        while (try? await Task.sleep(for: .nanoseconds(Int64(interval * 1e9)))) != nil {
                            await backend.checkReplicas()
                        }
                    }
                }
            }
        }
        // Without periodic checks the loops end at once; a service that returns early would stop the
        // server, so it waits for the shutdown (at once when that is why the loops ended).
        try? await gracefulShutdown()
    }
}
