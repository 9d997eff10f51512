// Enclave server: the HTTP/1 connection setup: caps, timeouts, HTTP/1.1 semantics, then Hummingbird.

import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 child channel with Enclave's transport handlers.
///
/// Each accepted connection is first admitted by the ``ConnectionRegistry`` (a refused one gets
/// ``ConnectionRefusalHandler`` and nothing else). An admitted one gets this pipeline, socket first:
/// ``ConnectionGuardHandler`` (inbound activity, full close after the server closes its side), NIO's
/// HTTP/1 decoder and encoder, ``HTTPExchangeHandler`` (keep-alive, HTTP/1.0, Host, timeouts,
/// half-close), the HTTP types codec, and Hummingbird's request loop, which answers requests in order.
struct EnclaveHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    /// An accepted connection (with its async channel) or a refused one.
    struct Connection: ServerChildChannelValue {
        let channel: any Channel
        let asyncChannel: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>?
    }
    typealias Value = Connection

    let responder: HTTPChannelHandler.Responder
    let timeouts: HTTPExchangeHandler.Timeouts
    let registry: ConnectionRegistry

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection> {
        channel.eventLoop.makeCompletedFuture {
            let client = channel.remoteAddress?.ipAddress ?? "local"
            switch registry.admit(client: client) {
            case .refused(let reason, let answer):
                logger.debug("connection refused", metadata: ["client": .string(client), "reason": .string(reason)])
                let registry = self.registry
                try channel.pipeline.syncOperations.addHandler(
                    ConnectionRefusalHandler(
                        response: answer ? CannedResponse.refusal(reason: reason) : nil,
                        onClose: { if answer { registry.refusalAnswered() } }
                    )
                )
                return Connection(channel: channel, asyncChannel: nil)
            case .accepted:
                let registry = self.registry
                channel.closeFuture.whenComplete { _ in registry.release(client: client) }
                let operations = channel.pipeline.syncOperations
                try operations.addHandler(ConnectionGuardHandler())
                try operations.configureHTTPServerPipeline(
                    withPipeliningAssistance: false,
                    withErrorHandling: false,
                    withOutboundHeaderValidation: false,
                    withEncoderConfiguration: .init(),
                    withDecoderLimitConfiguration: .init()
                )
                try operations.addHandler(HTTPExchangeHandler(timeouts: timeouts, registry: registry))
                try operations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                    wrappingChannelSynchronously: channel,
                    configuration: .init(isOutboundHalfClosureEnabled: true)
                )
                return Connection(channel: channel, asyncChannel: asyncChannel)
            }
        }
    }

    func handle(value: Connection, logger: Logger) async {
        guard let asyncChannel = value.asyncChannel else { return }
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// Enclave's HTTP/1 server (see ``EnclaveHTTPChannel``).
    static func enclave(timeouts: HTTPExchangeHandler.Timeouts, registry: ConnectionRegistry) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            EnclaveHTTPChannel(responder: responder, timeouts: timeouts, registry: registry)
        }
    }
}
