// Enclave load: the check before a load test that the server answers, and which model it serves.

public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Asks `GET /v1/models` once before a run, so an unreachable server is reported at once and clearly.
public struct ServerProbe: Sendable {
    /// What the probe found.
    public struct Answer: Sendable {
        /// The HTTP status of `/v1/models`.
        public var status: Int
        /// The model ids it listed (empty if it answered something else).
        public var models: [String]
    }

    /// The server cannot be reached at all.
    public struct Unreachable: Error, CustomStringConvertible {
        /// What went wrong, for the user.
        public let description: String
    }

    private let client: HTTPClient

    /// A probe over `client`.
    public init(client: HTTPClient) {
        self.client = client
    }

    /// The answer of `baseURL/v1/models`.
    /// - Throws: `Unreachable` when no HTTP answer arrives within `timeout` seconds.
    public func probe(baseURL: String, apiKey: String?, timeout: Double) async throws -> Answer {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        var request = HTTPClientRequest(url: base + "/v1/models")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let body = try await response.body.collect(upTo: 4 * 1024 * 1024)
            var models: [String] = []
            if let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                let data = object["data"] as? [[String: Any]]
            {
                models = data.compactMap { $0["id"] as? String }
            }
            return Answer(status: Int(response.status.code), models: models)
        } catch {
            throw Unreachable(description: "cannot reach \(base): \(Self.reason(error))")
        }
    }

    static func reason(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            if client == .connectTimeout { return "connecting timed out" }
            if client == .deadlineExceeded || client == .readTimeout { return "no answer in time" }
        }
        let text = String(describing: error)
        if text.contains("refused") || text.contains("ECONNREFUSED") || text.contains("error 111") { return "connection refused" }
        return String(text.prefix(200))
    }
}
