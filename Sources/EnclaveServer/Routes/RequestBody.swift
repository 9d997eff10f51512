// Enclave server: collecting a request body up to the configured limit.

import EnclaveOpenAI
import Foundation
import Hummingbird
import NIOCore

/// Reads a request body up to the configured limit (413 beyond it) and decodes it as an OpenAI request.
struct RequestBody {
    /// The largest body accepted, in bytes.
    let maxBodyBytes: Int

    /// The decoded body. The request's body is collected (kept for a later `consumeWithCancellationOnInboundClose`).
    /// - Throws: ``OpenAIError``: 413 over the limit, 400 for a body that does not decode.
    func decode<Value: Decodable>(_ type: Value.Type, from request: inout Request) async throws -> Value {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw OpenAIError.requestTooLarge(limit: maxBodyBytes)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw OpenAIError.requestTooLarge(limit: maxBodyBytes)
        }
        return try OpenAIRequestDecoder.decode(Value.self, from: Data(buffer.readableBytesView))
    }
}
