// Enclave server: the few responses the transport writes itself, outside the router.

import NIOCore
import NIOHTTP1

/// Responses written by the transport when no request reaches the application: a refused connection
/// (503), a request head that did not arrive in time (408), a request without `Host` (400). Each carries
/// the security headers and `Connection: close`, and a JSON error body in OpenAI's shape.
enum CannedResponse {
    /// The head and body of a response.
    static func parts(
        status: HTTPResponseStatus,
        code: String,
        message: String,
        extra: [(String, String)] = []
    )
        -> (head: HTTPResponseHead, body: ByteBuffer)
    {
        let json = #"{"error":{"message":"\#(message)","type":"invalid_request_error","param":null,"code":"\#(code)"}}"#
        let body = ByteBuffer(string: json)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Connection", value: "close")
        for (name, value) in extra { headers.add(name: name, value: value) }
        for (name, value) in SecurityHeaders.fields { headers.add(name: name, value: value) }
        return (HTTPResponseHead(version: .http1_1, status: status, headers: headers), body)
    }

    /// The raw bytes of a response, for a connection without an HTTP encoder.
    static func bytes(status: HTTPResponseStatus, code: String, message: String, extra: [(String, String)] = []) -> ByteBuffer {
        let (head, body) = parts(status: status, code: code, message: message, extra: extra)
        var text = "HTTP/1.1 \(head.status.code) \(head.status.reasonPhrase)\r\n"
        for (name, value) in head.headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        var buffer = ByteBuffer(string: text)
        buffer.writeImmutableBuffer(body)
        return buffer
    }

    /// The 503 for a connection over the caps.
    static func refusal(reason: String) -> ByteBuffer {
        let message =
            reason == "client_full"
            ? "Too many connections from your address; retry shortly." : "The server has too many open connections; retry shortly."
        return bytes(status: .serviceUnavailable, code: "too_many_connections", message: message, extra: [("Retry-After", "1")])
    }
}
