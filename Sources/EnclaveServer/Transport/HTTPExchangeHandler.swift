// Enclave server: HTTP/1 semantics on each connection: keep-alive or close, timeouts, protocol checks.

import Foundation
import NIOCore
import NIOHTTP1

/// Sits between NIO's HTTP/1 codec and Hummingbird's request loop, and owns what HTTP/1.1 asks of a
/// server at the connection level:
///
/// - **Keep-alive or close.** A request with `Connection: close`, any HTTP/1.0 request, a request whose
///   body failed, and the responses during a graceful shutdown end the connection: the response says
///   `Connection: close`, nothing the client sends after that request is processed, and the connection
///   closes once the response is written (``ConnectionGuardHandler`` closes it fully).
/// - **HTTP/1.0.** Responses are HTTP/1.0 and never chunked: a stream is delimited by the close.
/// - **Host.** An HTTP/1.1 request without exactly one `Host` gets 400 and the connection closes.
/// - **Bodies.** A body cut short (the client closed its side before `Content-Length` bytes, or a broken
///   chunked encoding) reaches the handler as ``TransportError`` (400), not as a server error.
/// - **Half-close.** A client that shuts its sending side after a complete request is still answered; an
///   event stream gets a comment frame at once, so a client that really closed its socket is noticed by
///   the failed write (see ``ClientDeparture``).
/// - **Timeouts**, only while the server waits on the client: the head (from the connection's start or a
///   request's first byte; a partial head gets 408), the body (from the end of the head; 408 through the
///   handler), and idle keep-alive (silent close). None runs while a response is being produced.
final class HTTPExchangeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The three timeouts.
    struct Timeouts: Sendable {
        var head: TimeAmount
        var body: TimeAmount
        var idle: TimeAmount
    }

    /// What the server is waiting for from the client.
    enum Phase: String {
        case head, body, idle
    }

    /// A request handed to the application whose response has not ended.
    private struct Exchange {
        var version: HTTPVersion
        var closes: Bool
    }

    private enum Inbound: Equatable {
        /// Between requests; `partial`: bytes of the next head have arrived.
        case awaitingHead(partial: Bool)
        /// Inside a forwarded request, before its end.
        case body
        /// Inside a request that is not forwarded (refused, or after the connection's last request).
        case dropping
    }

    private let timeouts: Timeouts
    private let registry: ConnectionRegistry
    private var exchanges: [Exchange] = []
    private var inbound = Inbound.awaitingHead(partial: false)
    private var acceptingRequests = true
    private var fresh = true
    private var inputClosed = false
    private var outputClosed = false
    private var responding = false
    private var respondingStream = false
    private var rejectionDue = false
    private var timer: Scheduled<Void>?
    private var timerPhase: Phase?

    init(timeouts: Timeouts, registry: ConnectionRegistry) {
        self.timeouts = timeouts
        self.registry = registry
    }

    // MARK: inbound

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { update(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        update(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        outputClosed = true
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard acceptingRequests else {
                inbound = .dropping
                break
            }
            fresh = false
            if head.version.major == 1, head.version.minor >= 1, head.headers["host"].count != 1 {
                // RFC 9112 §3.2: exactly one Host on HTTP/1.1, else 400.
                inbound = .dropping
                stopAccepting(context: context)
                rejectionDue = true
                if exchanges.isEmpty { writeRejection(context: context) }
                break
            }
            let closes = Self.wantsClose(head)
            exchanges.append(Exchange(version: head.version, closes: closes))
            inbound = .body
            if closes { acceptingRequests = false }
            context.fireChannelRead(data)
        case .body:
            if inbound == .body { context.fireChannelRead(data) }
        case .end:
            let forwarded = inbound == .body
            inbound = .awaitingHead(partial: false)
            if forwarded { context.fireChannelRead(data) }
            if !acceptingRequests { discardInbound(context: context) }
        }
        update(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is InboundBytesEvent:
            if inbound == .awaitingHead(partial: false) {
                inbound = .awaitingHead(partial: true)
                update(context: context)
            }
        case is ChannelShouldQuiesceEvent:
            // Graceful shutdown: finish what is in flight, then close.
            acceptingRequests = false
            for index in exchanges.indices { exchanges[index].closes = true }
            if exchanges.isEmpty { context.close(promise: nil) } else { discardInbound(context: context) }
            update(context: context)
        case let event as ChannelEvent where event == .inputClosed:
            inputClosed = true
            if responding, respondingStream { probe(context: context) }
            update(context: context)
            context.fireUserInboundEventTriggered(event)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A body that breaks off is the client's fault: hand the handler reading it a 400.
        if inbound == .body, !exchanges.isEmpty, !responding {
            inbound = .dropping
            stopAccepting(context: context)
            let parserError = error as? HTTPParserError
            context.fireErrorCaught(parserError == .invalidEOFState ? TransportError.incompleteBody : TransportError.malformedBody)
            update(context: context)
            return
        }
        if error is HTTPParserError { acceptingRequests = false }
        context.fireErrorCaught(error)
    }

    // MARK: outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200 && !exchanges.isEmpty:
            let unreadBody = inbound == .body && exchanges.count == 1
            let closes =
                exchanges[0].closes || !acceptingRequests || Self.saysClose(head.headers) || (unreadBody && head.status.code >= 400)
            if closes {
                exchanges[0].closes = true
                stopAccepting(context: context)
                head.headers.replaceOrAdd(name: "connection", value: "close")
            }
            if exchanges[0].version.major == 1, exchanges[0].version.minor == 0 {
                // HTTP/1.0 has no chunked encoding: a body without a length ends with the connection.
                head.version = .http1_0
                head.headers.remove(name: "transfer-encoding")
            }
            for (name, value) in SecurityHeaders.fields where !head.headers.contains(name: name) {
                head.headers.add(name: name, value: value)
            }
            responding = true
            respondingStream =
                head.headers.first(name: "content-type")?.lowercased().hasPrefix("text/event-stream") == true
                && !head.headers.contains(name: "content-length")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
            if inputClosed, respondingStream { probe(context: context) }
        case .end where !exchanges.isEmpty:
            let exchange = exchanges.removeFirst()
            responding = false
            respondingStream = false
            let last = exchange.closes || (inputClosed && exchanges.isEmpty)
            if last {
                let written = promise ?? context.eventLoop.makePromise()
                written.futureResult.assumeIsolated().whenComplete { [weak self] _ in
                    self?.closeOutput(context: context)
                }
                context.write(data, promise: written)
            } else {
                context.write(data, promise: promise)
            }
            if rejectionDue, exchanges.isEmpty { writeRejection(context: context) }
            update(context: context)
        default:
            context.write(data, promise: promise)
        }
    }

    // MARK: decisions

    /// HTTP/1.0 always closes (its keep-alive extension is not offered); HTTP/1.1 closes on a `close` token.
    static func wantsClose(_ head: HTTPRequestHead) -> Bool {
        if head.version.major < 1 || (head.version.major == 1 && head.version.minor == 0) { return true }
        return saysClose(head.headers)
    }

    /// Whether a `Connection` field lists the `close` token (case-insensitive, comma-separated).
    static func saysClose(_ headers: HTTPHeaders) -> Bool {
        headers["connection"].contains { value in
            value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "close" }
        }
    }

    /// What the server waits for now, if anything.
    private var phase: Phase? {
        guard !outputClosed else { return nil }
        switch inbound {
        case .body:
            // Only the request being answered (or already answered) is timed; a pipelined one behind it
            // waits for the server, not the other way round.
            return exchanges.count <= 1 ? .body : nil
        case .awaitingHead(let partial):
            guard exchanges.isEmpty, acceptingRequests, !inputClosed else { return nil }
            return fresh || partial ? .head : .idle
        case .dropping:
            return nil
        }
    }

    private func timeout(of phase: Phase) -> TimeAmount {
        switch phase {
        case .head: timeouts.head
        case .body: timeouts.body
        case .idle: timeouts.idle
        }
    }

    /// Starts the timer of a new phase; a phase that goes on keeps its deadline.
    private func update(context: ChannelHandlerContext) {
        let current = phase
        guard current != timerPhase else { return }
        timer?.cancel()
        timer = nil
        timerPhase = current
        guard let current else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout(of: current)) { [weak self] in
            self?.expire(current, context: context)
        }
    }

    private func expire(_ expired: Phase, context: ChannelHandlerContext) {
        timer = nil
        guard expired == phase else { return }
        timerPhase = nil
        registry.recordTimeout(expired.rawValue)
        switch expired {
        case .idle:
            context.close(promise: nil)
        case .head:
            stopAccepting(context: context)
            if inbound == .awaitingHead(partial: true) {
                let (head, body) = CannedResponse.parts(
                    status: .requestTimeout,
                    code: "request_timeout",
                    message: "The request head did not arrive in time."
                )
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
                let written = context.eventLoop.makePromise(of: Void.self)
                written.futureResult.assumeIsolated().whenComplete { [weak self] _ in self?.closeOutput(context: context) }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
            } else {
                context.close(promise: nil)
            }
        case .body:
            inbound = .dropping
            stopAccepting(context: context)
            for index in exchanges.indices { exchanges[index].closes = true }
            if exchanges.isEmpty {
                closeOutput(context: context)
            } else if !responding {
                // The handler is still reading the body: it answers 408.
                context.fireErrorCaught(TransportError.bodyTimeout)
            }
        }
    }

    private func stopAccepting(context: ChannelHandlerContext) {
        acceptingRequests = false
    }

    private func discardInbound(context: ChannelHandlerContext) {
        context.triggerUserOutboundEvent(DiscardInboundEvent(), promise: nil)
    }

    private func closeOutput(context: ChannelHandlerContext) {
        guard !outputClosed else { return }
        outputClosed = true
        timer?.cancel()
        timer = nil
        context.close(mode: .output, promise: nil)
    }

    /// A comment frame on an event stream (clients ignore it): written right after a half-close, so a
    /// client that closed its socket answers with a reset and the stream's generation stops.
    private func probe(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: ":\n\n")))), promise: nil)
    }

    private func writeRejection(context: ChannelHandlerContext) {
        rejectionDue = false
        let (head, body) = CannedResponse.parts(
            status: .badRequest,
            code: "invalid_host",
            message: "An HTTP/1.1 request needs exactly one Host header."
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenComplete { [weak self] _ in self?.closeOutput(context: context) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
    }
}
