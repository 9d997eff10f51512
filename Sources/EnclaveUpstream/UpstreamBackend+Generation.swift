// Enclave upstream: one generation, with retries on other replicas and fallbacks to other models.

import AsyncHTTPClient
import EnclaveCore
import EnclaveOpenAI
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

extension UpstreamBackend {
    /// How the attempts on one model ended without streaming anything.
    enum Exhausted: Error {
        /// Every replica is down, out of rotation or failed: the fallbacks may serve.
        case unavailable(OpenAIError)
    }

    /// Serves the request with its model, then (if that model is exhausted) its fallbacks in order, within
    /// the total timeout.
    func run(_ prepared: PreparedInference, into continuation: AsyncThrowingStream<InferenceEvent, any Error>.Continuation) async throws {
        let total = Duration.nanoseconds(Int64(configuration.timeouts.total * 1e9))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.serve(prepared, into: continuation) }
            group.addTask {
                try await self.sleep(total)
                throw UpstreamError.unavailable(backend: self.configuration.name, reason: "no answer within \(self.configuration.timeouts.total) s")
            }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }

    private func serve(_ prepared: PreparedInference, into continuation: AsyncThrowingStream<InferenceEvent, any Error>.Continuation) async throws {
        let model = prepared.request.model
        let chain = [model] + (configuration.fallbacks[upstreamName(of: model)] ?? configuration.fallbacks[model] ?? [])
        var last: OpenAIError?
        for (position, candidate) in chain.enumerated() {
            guard let owner = position == 0 ? self : directory.backend(serving: candidate) else { continue }
            do {
                try await owner.attempts(prepared, model: candidate, into: continuation)
                if position > 0 {
                    logger.notice(
                        "served by a fallback",
                        metadata: ["model": "\(model)", "fallback": "\(candidate)", "request.id": "\(prepared.request.id)"]
                    )
                }
                return
            } catch Exhausted.unavailable(let error) {
                last = error
            }
        }
        throw last ?? UpstreamError.unavailable(backend: configuration.name, reason: "no replica is in rotation")
    }

    /// Tries the replicas of this backend for `model`, at most `1 + retries` times, each on another replica.
    /// - Throws: ``Exhausted`` when nothing was streamed and the model cannot serve now; the upstream's
    ///   refusal (4xx) as is; a broken stream's error once deltas went out.
    func attempts(
        _ prepared: PreparedInference,
        model: String,
        into continuation: AsyncThrowingStream<InferenceEvent, any Error>.Continuation
    ) async throws {
        var tried: Set<Int> = []
        var last: OpenAIError?
        var limited = false
        var retryAfter: String?
        for attempt in 0...configuration.retries {
            let now = elapsed()
            guard let replica = pool.withLock({ $0.acquire(now: now, excluding: tried) }) else { break }
            tried.insert(replica)
            if attempt > 0 {
                // Backoff with full jitter: 0 to 50 ms x 2^attempt.
                let ceiling = 50_000_000 << min(attempt, 6)
                try await sleep(.nanoseconds(Int64.random(in: 0...Int64(ceiling))))
            }
            let result: AttemptResult
            do {
                result = try await self.attempt(prepared, model: model, replica: replica, into: continuation)
            } catch {
                // Cancelled (client gone, shutdown, total timeout): says nothing about the replica.
                release(replica, .neutral)
                throw error
            }
            switch result {
            case .finished:
                release(replica, .success)
                return
            case .refused(let error):
                release(replica, .success)
                throw error
            case .rateLimited(let after):
                release(replica, .neutral)
                limited = true
                retryAfter = after ?? retryAfter
            case .failedBeforeStreaming(let reason):
                release(replica, .failure)
                logger.warning(
                    "upstream attempt failed",
                    metadata: [
                        "backend": "\(configuration.name)", "replica": "\(replica)", "reason": "\(reason)", "request.id": "\(prepared.request.id)",
                    ]
                )
                last = UpstreamError.unavailable(backend: configuration.name, reason: reason)
            case .broken(let reason):
                release(replica, .failure)
                throw UpstreamError.broken(backend: configuration.name, reason: reason)
            }
        }
        if limited, last == nil { throw Exhausted.unavailable(UpstreamError.rateLimited(backend: configuration.name, retryAfter: retryAfter)) }
        throw Exhausted.unavailable(last ?? UpstreamError.unavailable(backend: configuration.name, reason: "no replica is in rotation"))
    }

    private func release(_ replica: Int, _ outcome: ReplicaPool.Outcome) {
        let now = elapsed()
        pool.withLock { $0.release(replica, outcome, now: now) }
    }

    /// How one attempt on one replica ended.
    enum AttemptResult {
        /// The answer was streamed to the end.
        case finished
        /// A 4xx about the request (not 429): the client gets it as is.
        case refused(OpenAIError)
        /// 429, with its `Retry-After`.
        case rateLimited(String?)
        /// A connect error, 5xx or timeout, before any delta went out: another replica may try.
        case failedBeforeStreaming(String)
        /// The stream broke after deltas went out.
        case broken(String)
    }

    /// One request to one replica. Throws only for cancellation.
    func attempt(
        _ prepared: PreparedInference,
        model: String,
        replica: Int,
        into continuation: AsyncThrowingStream<InferenceEvent, any Error>.Continuation
    ) async throws -> AttemptResult {
        let base = configuration.replicas[replica]
        var request = HTTPClientRequest(url: base + UpstreamRequestBody.path(for: prepared.request.prompt))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let key = configuration.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.tlsConfiguration = tls
        let body: Data
        do {
            body = try UpstreamRequestBody.encode(
                prepared.request,
                upstreamModel: upstreamName(of: model),
                maxTokens: prepared.request.parameters.maxTokens
            )
        } catch {
            return .refused(.invalidRequest("The request could not be encoded for the upstream server.", param: nil))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(
                request,
                deadline: .now() + .nanoseconds(Int64(configuration.timeouts.firstByte * 1e9)),
                logger: logger
            )
        } catch {
            try Task.checkCancellation()
            return .failedBeforeStreaming(Self.describe(error))
        }
        let status = Int(response.status.code)
        guard status == 200 else {
            let errorBody = (try? await response.body.collect(upTo: 64 << 10)).map { Data($0.readableBytesView) } ?? Data()
            try Task.checkCancellation()
            switch status {
            case 429: return .rateLimited(response.headers.first(name: "Retry-After"))
            case 500...: return .failedBeforeStreaming("HTTP \(status)")
            default: return .refused(UpstreamError.refused(status: status, body: errorBody, backend: configuration.name, scrub: scrub))
            }
        }
        return try await stream(response, promptEstimate: UpstreamAccumulator.estimatedTokens(of: prepared.request.prompt), into: continuation)
    }

    /// Reads an answer's events into deltas, then the finish with the upstream's usage.
    private func stream(
        _ response: HTTPClientResponse,
        promptEstimate: Int,
        into continuation: AsyncThrowingStream<InferenceEvent, any Error>.Continuation
    ) async throws -> AttemptResult {
        var parser = UpstreamEventParser()
        var accumulator = UpstreamAccumulator(promptEstimate: promptEstimate)
        let isEventStream = response.headers.first(name: "Content-Type")?.lowercased().hasPrefix("text/event-stream") ?? true
        var whole = Data()
        let decoder = JSONDecoder()
        do {
            for try await buffer in response.body {
                if !isEventStream {
                    whole.append(contentsOf: buffer.readableBytesView)
                    continue
                }
                for payload in try parser.feed(buffer.readableBytesView) {
                    if accumulator.take(payload, decoder: decoder, into: continuation) == .done { break }
                }
                if let problem = accumulator.problem {
                    return accumulator.streamed ? .broken(scrub(problem)) : .failedBeforeStreaming(scrub(problem))
                }
            }
            if !isEventStream {
                _ = accumulator.take(Array(whole), decoder: decoder, into: continuation)
            } else if let payload = parser.finish() {
                _ = accumulator.take(payload, decoder: decoder, into: continuation)
            }
        } catch {
            try Task.checkCancellation()
            let reason = Self.describe(error)
            return accumulator.streamed ? .broken(reason) : .failedBeforeStreaming(reason)
        }
        if let problem = accumulator.problem {
            return accumulator.streamed ? .broken(scrub(problem)) : .failedBeforeStreaming(scrub(problem))
        }
        guard accumulator.finishReason != nil || accumulator.sawDone else {
            return accumulator.streamed
                ? .broken("the stream ended before the answer did") : .failedBeforeStreaming("the stream ended before the answer did")
        }
        continuation.yield(.finished(accumulator.finishReason ?? .stop, accumulator.usage))
        return .finished
    }

    /// The upstream's text with every replica's address replaced by the backend's name.
    func scrub(_ text: String) -> String {
        var text = text
        for replica in configuration.replicas {
            text = text.replacingOccurrences(of: replica, with: configuration.name)
            if let host = URL(string: replica)?.host, !host.isEmpty { text = text.replacingOccurrences(of: host, with: configuration.name) }
        }
        if let key = configuration.apiKey, !key.isEmpty { text = text.replacingOccurrences(of: key, with: "***") }
        return text
    }

    /// A transport error in a few words, without addresses.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded: return "no answer within the first-byte timeout"
            case .readTimeout: return "no data within the idle timeout"
            case .connectTimeout: return "connect timeout"
            case .remoteConnectionClosed: return "the connection closed"
            default: return "HTTP client error"
            }
        }
        if error is NIOConnectionError { return "connection refused" }
        if let error = error as? IOError { return "I/O error (errno \(error.errnoCode))" }
        if error is UpstreamEventParser.Failure { return "the event stream is malformed" }
        return "connection failed"
    }
}
