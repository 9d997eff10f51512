// Enclave server: errors after an event stream has started.

import EnclaveCore
import EnclaveOpenAI
import Hummingbird
import Logging
import NIOCore

/// Reports an error that happens after a stream's head was sent: as a final `data: {"error": ...}` event
/// (the status can no longer change). A cancelled stream (client gone, shutdown) gets nothing more.
enum StreamFailure {
    static func report(_ error: any Error, to writer: inout any ResponseBodyWriter, stats: RequestStats, logger: Logger) async throws {
        if error is CancellationError || Task.isCancelled {
            stats.update { $0.outcome = "cancelled" }
            return
        }
        let openAIError = OpenAIError.of(error)
        stats.update { $0.errorCode = openAIError.code ?? openAIError.type }
        if openAIError.status == 500 {
            logger.error("stream failed", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
        }
        try await writer.write(ByteBuffer(bytes: ServerSentEvents.errorFrame(openAIError)))
    }
}
