// Enclave upstream: what an upstream answered, in OpenAI's shape, without its address, key or headers.

import EnclaveCore
import EnclaveOpenAI
import Foundation

/// The errors of upstream requests, as the OpenAI dialect renders them. The upstream's own message is kept
/// (with the replica's address replaced by the backend's name); its URL, key and headers never are.
enum UpstreamError {
    /// The upstream refused the request itself (4xx other than 429): its status and message, not retried.
    static func refused(status: Int, body: Data, backend: String, scrub: (String) -> String) -> OpenAIError {
        let detail = try? JSONDecoder().decode(UpstreamErrorBody.self, from: body)
        let message = detail?.error?.message ?? detail?.message ?? detail?.detail ?? String(decoding: body.prefix(512), as: UTF8.self)
        let shown = scrub(message).trimmingCharacters(in: .whitespacesAndNewlines)
        return OpenAIError(
            status: status,
            message: shown.isEmpty ? "The upstream server '\(backend)' refused the request (HTTP \(status))." : shown,
            type: detail?.error?.type ?? (status >= 500 ? "server_error" : "invalid_request_error"),
            param: detail?.error?.param,
            code: detail?.error?.code
        )
    }

    /// Every replica answered 429 (or the breakers are open after 429s): the client may retry.
    static func rateLimited(backend: String, retryAfter: String?) -> OpenAIError {
        OpenAIError(
            status: 429,
            message: "The upstream server '\(backend)' is over its capacity; retry shortly.",
            type: "rate_limit_error",
            code: "upstream_rate_limited",
            headers: ["Retry-After": retryAfter.flatMap { Int($0) }.map { String(max(1, $0)) } ?? "1"]
        )
    }

    /// Every attempt failed (connect errors, 5xx, timeouts) or no replica is in rotation.
    static func unavailable(backend: String, reason: String) -> OpenAIError {
        OpenAIError(
            status: 503,
            message: "The upstream server '\(backend)' is unavailable: \(reason).",
            type: "server_error",
            code: "upstream_unavailable",
            headers: ["Retry-After": "5"]
        )
    }

    /// The stream broke after it started (the client's stream ends with this error event).
    static func broken(backend: String, reason: String) -> OpenAIError {
        OpenAIError(
            status: 502,
            message: "The upstream server '\(backend)' stopped answering mid-response: \(reason).",
            type: "server_error",
            code: "upstream_stream_broken"
        )
    }
}
