// Enclave server: answering a connection over the caps with a 503, then closing it.

import NIOCore

/// The whole pipeline of a refused connection: it writes a 503 with `Retry-After` and
/// `Connection: close` at once (the client's request is never read), closes its sending side, drops
/// what the client sends, and closes when the client does or after
/// ``ConnectionGuardHandler/lingerSeconds``. Without an answer (too many refusals in flight) it closes
/// at once.
final class ConnectionRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let response: ByteBuffer?
    private let onClose: @Sendable () -> Void
    private var started = false
    private var linger: Scheduled<Void>?

    /// - Parameters:
    ///   - response: The bytes to answer with; `nil` closes without an answer.
    ///   - onClose: Called once the connection has closed.
    init(response: ByteBuffer?, onClose: @escaping @Sendable () -> Void) {
        self.response = response
        self.onClose = onClose
    }

    func handlerAdded(context: ChannelHandlerContext) {
        context.channel.closeFuture.whenComplete { [onClose] _ in onClose() }
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        linger?.cancel()
        context.fireChannelInactive()
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        guard let response else {
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(NIOAny(response), promise: nil)
        context.close(mode: .output, promise: nil)
        linger = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(ConnectionGuardHandler.lingerSeconds)) {
            context.close(promise: nil)
        }
        context.read()
    }
}
