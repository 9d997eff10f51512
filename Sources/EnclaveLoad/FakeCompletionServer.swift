// Enclave load: a fast fake OpenAI-compatible server, to measure the load generator's own cost per request.

import NIOCore
import NIOHTTP1
import NIOPosix

/// Answers `GET /v1/models` and `POST /v1/chat/completions` or `/v1/completions` at once, streaming `tokens`
/// content chunks, usage and `[DONE]` in one write (or one JSON answer without `"stream":true`). It does no
/// work per token, so a run against it measures the client, not the server.
public final class FakeCompletionServer: Sendable {
    private let channel: any Channel
    /// The port it listens on (useful when started on port 0).
    public let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Starts listening on `host:port` (port 0 picks a free one), answering `tokens` tokens per request on `threads`
    /// event-loop threads.
    public static func start(host: String = "127.0.0.1", port: Int, tokens: Int, threads: Int = 1) async throws -> FakeCompletionServer {
        // One thread: one loop of the shared group. More: a group of its own, which lives as long as the process.
        let group: any EventLoopGroup =
            threads == 1 ? MultiThreadedEventLoopGroup.singleton.next() : MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let responses = Responses(tokens: tokens)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(Handler(responses: responses))
                }
            }
            .bind(host: host, port: port)
            .get()
        return FakeCompletionServer(channel: channel, port: channel.localAddress?.port ?? port)
    }

    /// Waits until the server is closed.
    public func wait() async throws {
        try await channel.closeFuture.get()
    }

    /// Stops listening.
    public func stop() async {
        try? await channel.close()
    }

    struct Responses: Sendable {
        let stream: ByteBuffer
        let whole: ByteBuffer
        let models: ByteBuffer

        init(tokens: Int) {
            var text = ""
            for index in 0..<tokens {
                text +=
                    "data: {\"id\":\"fake\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" w\(index)\"}}]}\n\n"
            }
            text +=
                "data: {\"id\":\"fake\",\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":\(tokens),\"total_tokens\":\(tokens + 8)}}\n\n"
            text += "data: [DONE]\n\n"
            stream = ByteBuffer(string: text)
            let words = (0..<tokens).map { " w\($0)" }.joined()
            whole = ByteBuffer(
                string:
                    "{\"id\":\"fake\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\(words)\"},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":\(tokens),\"total_tokens\":\(tokens + 8)}}"
            )
            models = ByteBuffer(string: "{\"object\":\"list\",\"data\":[{\"id\":\"fake-model\",\"object\":\"model\",\"owned_by\":\"enclave\"}]}")
        }
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        // Used only on its channel's event loop.
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let responses: Responses
        private var head: HTTPRequestHead?
        private var streaming = false

        init(responses: Responses) {
            self.responses = responses
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                streaming = false
            case .body(let body):
                if body.readableBytesView.firstRange(of: Array("\"stream\":true".utf8)) != nil { streaming = true }
            case .end:
                guard let head else { return }
                let (type, body): (String, ByteBuffer)
                if head.method == .GET {
                    (type, body) = ("application/json", responses.models)
                } else if streaming {
                    (type, body) = ("text/event-stream", responses.stream)
                } else {
                    (type, body) = ("application/json", responses.whole)
                }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: type)
                headers.add(name: "Content-Length", value: "\(body.readableBytes)")
                let keepAlive = head.isKeepAlive
                if !keepAlive { headers.add(name: "Connection", value: "close") }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
                let done = context.eventLoop.makePromise(of: Void.self)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
                if !keepAlive {
                    let channel = context.channel
                    done.futureResult.whenComplete { _ in channel.close(promise: nil) }
                }
                self.head = nil
            }
        }
    }
}
