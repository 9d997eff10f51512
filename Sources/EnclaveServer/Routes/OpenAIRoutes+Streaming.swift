// Enclave server: generations that end when their client leaves, as JSON or as an event stream.

import EnclaveOpenAI
import Foundation
import Hummingbird

extension OpenAIRoutes {
    /// Runs `operation`, cancelling it if the client goes away.
    ///
    /// Hummingbird notices a departed client by reading the connection's inbound side to its end, which ends
    /// the connection after this response; the response therefore says `Connection: close`
    /// (``RequestStats/Values/closesConnection``), or a keep-alive client would send its next request into a
    /// closing socket.
    func untilClientLeaves<Value: Sendable>(
        _ request: Request, context: EnclaveRequestContext, _ operation: () async throws -> Value
    ) async throws -> Value {
        context.stats.update { $0.closesConnection = true }
        return try await request.body.consumeWithCancellationOnInboundClose { _ in try await operation() }
    }

    /// An OpenAI event stream: `produce` sends each event as a `data:` frame, then `data: [DONE]` ends the
    /// stream. The stream is cancelled if the client goes away (see ``untilClientLeaves(_:context:_:)``); an
    /// error after the head went out becomes a final error event (``StreamFailure``).
    func eventStream(
        _ request: Request, context: EnclaveRequestContext,
        _ produce: @escaping @Sendable (_ send: (any Encodable) async throws -> Void) async throws -> Void
    ) -> Response {
        context.stats.update { $0.closesConnection = true }
        return Response(
            status: .ok, headers: .serverSentEvents,
            body: ResponseBody { writer in
                let encoder = JSONEncoder.api()
                do {
                    try await request.body.consumeWithCancellationOnInboundClose { _ in
                        try await produce { event in try await writer.write(ByteBuffer(bytes: ServerSentEvents.frame(event, encoder: encoder))) }
                        try await writer.write(ByteBuffer(bytes: ServerSentEvents.done))
                    }
                } catch {
                    try await StreamFailure.report(error, to: &writer, stats: context.stats, logger: context.logger)
                }
                try await writer.finish(nil)
            })
    }
}
