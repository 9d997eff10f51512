// Enclave load: sends completion requests over HTTP with AsyncHTTPClient and times every token.

public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// Sends requests to an OpenAI-compatible server at `baseURL` (for example `http://127.0.0.1:8080`).
///
/// Times are taken when each network read arrives; every content event in a read counts as a token at that
/// time. A non-streaming answer's first token is its last, so its time to first token is its whole latency.
public struct HTTPCompletionSender: CompletionSending {
    private let client: HTTPClient
    private let baseURL: String
    private let timeout: TimeAmount

    /// A sender over `client`, giving each request at most `timeout` seconds.
    public init(client: HTTPClient, baseURL: String, timeout: Double) {
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = .milliseconds(Int64(timeout * 1000))
    }

    /// The client configuration a load test needs: enough connections for `connections` requests in flight, a
    /// connect timeout, and `stallTimeout` as the longest silence while reading.
    public static func configuration(connections: Int, connectTimeout: Double, stallTimeout: Double) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.httpVersion = .http1Only
        configuration.timeout = .init(connect: .milliseconds(Int64(connectTimeout * 1000)), read: .milliseconds(Int64(stallTimeout * 1000)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, connections))
        // A refused connection is a measurement: fail at once instead of retrying until the request's deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        return configuration
    }

    /// Sends one request and measures it; see `CompletionSending`.
    public func send(_ body: Data, path: String, apiKey: String?, stream: Bool, into record: inout RequestRecord, gaps: inout [Double]) async {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: stream ? "text/event-stream" : "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        let clock = ContinuousClock()
        let started = clock.now
        func seconds(_ instant: ContinuousClock.Instant) -> Double {
            let duration = instant - started
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        do {
            let response = try await client.execute(request, timeout: timeout)
            record.status = Int(response.status.code)
            guard (200..<300).contains(record.status) else {
                let text = try await response.body.collect(upTo: 64 * 1024)
                record.failure = .status(record.status)
                record.failureDetail = Self.errorMessage(in: Array(text.readableBytesView)[...])
                record.endToEnd = seconds(clock.now)
                return
            }
            if stream {
                try await readStream(response, record: &record, gaps: &gaps, clock: clock, seconds: seconds)
            } else {
                let text = try await response.body.collect(upTo: 256 * 1024 * 1024)
                record.endToEnd = seconds(clock.now)
                Self.readWholeAnswer(Array(text.readableBytesView)[...], into: &record)
            }
        } catch {
            record.endToEnd = seconds(clock.now)
            Self.classify(error, cancelled: Task.isCancelled, into: &record)
        }
    }

    private func readStream(
        _ response: HTTPClientResponse,
        record: inout RequestRecord,
        gaps: inout [Double],
        clock: ContinuousClock,
        seconds: (ContinuousClock.Instant) -> Double
    ) async throws {
        var scanner = StreamEventScanner()
        var lastToken: Double?
        var tokens = 0
        var finished = false
        var streamError: String?
        var usage: (prompt: Int?, completion: Int?)?
        for try await buffer in response.body {
            let now = seconds(clock.now)
            scanner.feed(buffer.readableBytesView) { event in
                switch event {
                case .token:
                    tokens += 1
                    if let previous = lastToken { gaps.append(now - previous) } else { record.timeToFirstToken = now }
                    lastToken = now
                case .usage(let prompt, let completion): usage = (prompt, completion)
                case .error(let message): streamError = message
                case .done: finished = true
                case .empty: break
                }
            }
        }
        scanner.finish { event in if event == .done { finished = true } }
        record.endToEnd = seconds(clock.now)
        Self.count(tokens: tokens, usage: usage, into: &record)
        if tokens > 1, let first = record.timeToFirstToken, let last = lastToken {
            record.meanInterTokenLatency = (last - first) / Double(tokens - 1)
            record.maximumInterTokenLatency = gaps.suffix(tokens - 1).max()
        }
        if let streamError {
            record.failure = .streamError
            record.failureDetail = String(streamError.prefix(200))
        } else if !finished {
            record.failure = .truncated
            record.failureDetail = "the stream ended without data: [DONE]"
        }
    }

    static func count(tokens: Int, usage: (prompt: Int?, completion: Int?)?, into record: inout RequestRecord) {
        record.promptTokens = usage?.prompt
        if let completion = usage?.completion {
            record.completionTokens = completion
            record.usageReported = true
        } else {
            record.completionTokens = tokens
        }
    }

    static func readWholeAnswer(_ bytes: ArraySlice<UInt8>, into record: inout RequestRecord) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let choices = object["choices"] as? [[String: Any]], let first = choices.first
        else {
            record.failure = .malformed
            record.failureDetail = "the answer is not a completion object"
            return
        }
        record.timeToFirstToken = record.endToEnd
        let text = ((first["message"] as? [String: Any])?["content"] as? String) ?? (first["text"] as? String) ?? ""
        let usage = object["usage"] as? [String: Any]
        let completion = (usage?["completion_tokens"] as? NSNumber)?.intValue
        // Without usage, words are the closest count a client can make of a whole answer.
        let counted = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count
        count(tokens: counted, usage: usage.map { ((($0["prompt_tokens"] as? NSNumber)?.intValue), completion) }, into: &record)
    }

    static func errorMessage(in bytes: ArraySlice<UInt8>) -> String {
        if let message = JSONProbe.errorMessage(bytes) { return String(message.prefix(200)) }
        return "the server answered with a status outside 2xx"
    }

    static func classify(_ error: any Error, cancelled: Bool, into record: inout RequestRecord) {
        if cancelled || error is CancellationError {
            record.failure = .cancelledAtDeadline
            record.failureDetail = "in flight when the run's deadline came"
            return
        }
        let answered = record.status != 0
        if let client = error as? HTTPClientError {
            switch client {
            case .readTimeout:
                record.failure = .stalled
                record.failureDetail = answered ? "no byte arrived within the stall timeout mid-answer" : "no answer within the stall timeout"
            case .deadlineExceeded:
                record.failure = .timeout
                record.failureDetail = "the request took longer than its timeout"
            case .connectTimeout:
                record.failure = .connection
                record.failureDetail = "connecting timed out"
            case .cancelled:
                record.failure = .cancelledAtDeadline
                record.failureDetail = "in flight when the run's deadline came"
            default:
                record.failure = answered ? .truncated : .connection
                record.failureDetail = String(describing: client)
            }
            return
        }
        record.failure = answered ? .truncated : .connection
        record.failureDetail = String(String(describing: error).prefix(200))
    }
}
