// Enclave server: generations that end when their client leaves, as JSON or as an event stream.

import EnclaveOpenAI
import Foundation
import Hummingbird

extension OpenAIRoutes {
    /// Runs `operation`, cancelling it if the client goes away (its connection closes; see
    /// ``ClientDeparture``). The connection's inbound side is left alone, so it stays usable for the
    /// client's next request.
    func untilClientLeaves<Value: Sendable>(
        _ request: Request,
        context: EnclaveRequestContext,
        _ operation: () async throws -> Value
    ) async throws -> Value {
        try await ClientDeparture.cancelling(whenClosed: context.channel, operation)
    }

    /// An OpenAI event stream: `produce` sends each event as a `data:` frame, then `data: [DONE]` ends the
    /// stream. The stream is cancelled if the client goes away (see ``untilClientLeaves(_:context:_:)``); an
    /// error after the head went out becomes a final error event (``StreamFailure``).
    func eventStream(
        _ request: Request,
        context: EnclaveRequestContext,
        _ produce: @escaping @Sendable (_ send: (any Encodable) async throws -> Void) async throws -> Void
    ) -> Response {
        // The request's audit record is committed before `[DONE]` (or before a failed stream ends).
        let audit = RequestAudit.current
        return Response(
            status: .ok,
            headers: .serverSentEvents,
            body: ResponseBody { writer in
                let encoder = JSONEncoder.api()
                do {
                    try await ClientDeparture.cancelling(whenClosed: context.channel) {
                        try await produce { event in try await writer.write(ByteBuffer(bytes: ServerSentEvents.frame(event, encoder: encoder))) }
                        try await audit?.commit(status: 200)
                        try await writer.write(ByteBuffer(bytes: ServerSentEvents.done))
                    }
                } catch {
                    try await StreamFailure.report(error, to: &writer, stats: context.stats, logger: context.logger)
                    try? await audit?.commit(status: 200)
                }
                try await writer.finish(nil)
            }
        )
    }
}
