// Enclave load: samples a server's memory and metrics at a fixed interval while a soak runs.

public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Takes a `ResourceSample` every `interval` seconds until cancelled.
public final class ResourceSampler: Sendable {
    private let client: HTTPClient
    private let metricsURL: String?
    private let apiKey: String?
    private let pid: Int32?
    private let interval: Double
    private let samples = Mutex<[ResourceSample]>([])

    /// A sampler reading process `pid`'s RSS (if given) and `metricsURL` (if given, with `apiKey`).
    public init(client: HTTPClient, metricsURL: String?, apiKey: String?, pid: Int32?, interval: Double) {
        self.client = client
        self.metricsURL = metricsURL
        self.apiKey = apiKey
        self.pid = pid
        self.interval = interval
    }

    /// The samples so far.
    public var taken: [ResourceSample] { samples.withLock { $0 } }

    /// Samples until the task is cancelled; a metrics endpoint that does not answer 200 is dropped.
    public func run() async {
        let clock = ContinuousClock()
        let origin = clock.now
        var metricsURL = self.metricsURL
        while !Task.isCancelled {
            let elapsed = clock.now - origin
            let time = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            var metrics: [String: Double]?
            if let url = metricsURL {
                metrics = await fetchMetrics(url)
                if metrics == nil { metricsURL = nil }
            }
            let sample = ResourceSample(
                timeS: (time * 1000).rounded() / 1000,
                rssBytes: pid.flatMap(ResourceSample.residentBytes(of:)),
                metrics: metrics
            )
            samples.withLock { $0.append(sample) }
            try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)), clock: clock)
        }
    }

    private func fetchMetrics(_ url: String) async -> [String: Double]? {
        var request = HTTPClientRequest(url: url)
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        guard let response = try? await client.execute(request, timeout: .seconds(5)), response.status.code == 200,
            let body = try? await response.body.collect(upTo: 16 * 1024 * 1024)
        else { return nil }
        return ResourceSample.enclaveSeries(inPrometheusText: String(buffer: body))
    }
}
