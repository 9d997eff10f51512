// Enclave upstream tests: an OpenAI-compatible fake upstream that misbehaves on demand.

import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A Hummingbird server on loopback whose replica URLs pick a behaviour: `http://127.0.0.1:PORT/MODE/v1`
/// with MODE `ok` (streams "Hello", " world", then usage), `fail500`, `limit429`, `stall` (3 s before the
/// head), `drop` (one chunk, then the connection breaks), `bad400` (an OpenAI error naming its own URL).
/// It records every request's mode and body.
struct FakeUpstream {
    /// What the fake received.
    final class Log: Sendable {
        private let entries = Mutex<[(mode: String, body: String)]>([])
        func append(_ mode: String, _ body: String) { entries.withLock { $0.append((mode, body)) } }
        func count(_ mode: String) -> Int { entries.withLock { $0.filter { $0.mode == mode }.count } }
        var bodies: [String] { entries.withLock { $0.map(\.body) } }
    }

    let log = Log()

    func application() -> some ApplicationProtocol {
        let router = Router()
        let log = self.log
        router.get("{mode}/v1/models") { _, context in
            let mode = try context.parameters.require("mode")
            guard mode == "ok" else { return Response(status: .internalServerError) }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"object":"list","data":[{"id":"fake-model"}]}"#))
            )
        }
        for path in ["{mode}/v1/chat/completions", "{mode}/v1/completions"] {
            router.post(RouterPath(path)) { request, context in
                let mode = try context.parameters.require("mode")
                let body = try await request.body.collect(upTo: 1 << 20)
                log.append(mode, String(buffer: body))
                return try await Self.answer(mode: mode, authority: request.head.authority ?? "127.0.0.1")
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func chunk(_ text: String) -> String {
        #"data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\#(text)"},"finish_reason":null}]}"# + "\n\n"
    }

    static let finish =
        #"data: {"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n"
        + #"data: {"id":"x","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}"# + "\n\n"
        + "data: [DONE]\n\n"

    struct Dropped: Error {}

    static func answer(mode: String, authority: String) async throws -> Response {
        switch mode {
        case "fail500":
            return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "boom")))
        case "limit429":
            return Response(status: .tooManyRequests, headers: [.retryAfter: "7"], body: .init(byteBuffer: ByteBuffer(string: "slow down")))
        case "bad400":
            let message =
                #"{"error":{"message":"bad request at http://\#(authority)/bad400/v1: top_k too big","type":"invalid_request_error","param":"top_k","code":null}}"#
            return Response(status: .badRequest, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: message)))
        case "stall":
            try await Task.sleep(for: .seconds(20))
        default:
            break
        }
        let drop = mode == "drop"
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream"],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: chunk("Hello")))
                if drop { throw Dropped() }
                try await writer.write(ByteBuffer(string: chunk(" world")))
                try await writer.write(ByteBuffer(string: finish))
                try await writer.finish(nil)
            }
        )
    }
}
