// Enclave server: the socket end of each connection's pipeline: inbound activity, and closing cleanly.

import NIOCore

/// Tells ``HTTPExchangeHandler`` that bytes arrived (so a request head has begun), before they are decoded.
struct InboundBytesEvent: Sendable {}

/// Asks ``ConnectionGuardHandler`` to drop everything the client sends from now on.
struct DiscardInboundEvent: Sendable {}

/// The first handler after the socket.
///
/// - Before each read is decoded it sends ``InboundBytesEvent`` up the pipeline (the head timeout starts
///   at a request's first byte).
/// - When the server closes its sending side (after a response that ends the connection, or an error), it
///   closes the connection *fully*: it keeps reading and dropping what the client sends, and closes when
///   the client closes its side or after ``lingerSeconds``. Closing at once with unread input would reset
///   the connection and could destroy the response before the client reads it; waiting forever for the
///   client (a socket left in FIN-WAIT-2 with a full receive window) leaks the descriptor.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// How long a closing connection waits for the client to close its side.
    static let lingerSeconds: Int64 = 2

    private var discarding = false
    private var inputClosed = false
    private var outputClosed = false
    private var linger: Scheduled<Void>?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !discarding else { return }
        context.fireUserInboundEventTriggered(InboundBytesEvent())
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Always passed on: the read that started discarding (the end of a `Connection: close` request)
        // may have delivered request parts that the async channel above hands over only on read-complete.
        context.fireChannelReadComplete()
        // Keep draining whatever the pipeline above would ask for.
        if discarding { context.read() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed = true
            if outputClosed {
                context.close(mode: .all, promise: nil)
                return
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is DiscardInboundEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        startDiscarding(context: context)
        promise?.succeed(())
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .output else {
            context.close(mode: mode, promise: promise)
            return
        }
        guard !outputClosed else {
            promise?.succeed(())
            return
        }
        outputClosed = true
        startDiscarding(context: context)
        if inputClosed {
            context.close(mode: .all, promise: promise)
            return
        }
        context.close(mode: .output, promise: promise)
        linger = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(Self.lingerSeconds)) {
            context.close(mode: .all, promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        linger?.cancel()
        linger = nil
        context.fireChannelInactive()
    }

    private func startDiscarding(context: ChannelHandlerContext) {
        guard !discarding else { return }
        discarding = true
        context.read()
    }
}
