// Enclave server: request ids, error rendering, the per-request log line and HTTP metrics.

import Dispatch
import EnclaveOpenAI
import Foundation
public import HTTPTypes
public import Hummingbird
import Logging

/// The outermost middleware. For every request it:
/// - takes the client's `X-Request-Id` if it is well formed, or makes one, and returns it in the response;
/// - renders the errors that reach it as a plain JSON error (no stack traces, no empty 500s); the `/v1`
///   routes render theirs in OpenAI's shape before they get here (``OpenAIErrorMiddleware``);
/// - when the response has been written (after the last SSE frame for streams), logs one line with the
///   request id, route, status, duration, model and token counts (never prompt or completion text), the
///   refused parameter's name and, for a 404, the path (capped at ``loggedPathLimit`` bytes), and records
///   the request in the metrics.
public struct RequestObservationMiddleware: RouterMiddleware {
    public typealias Context = EnclaveRequestContext

    let metrics: ServerMetrics

    /// Creates the middleware.
    public init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    /// The routes counted in `enclave_inference_requests_total` and `enclave_inference_refusals_total`.
    static let inferenceRoutes: Set<String> = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings"]

    /// Whether `path` belongs to the OpenAI dialect (`/v1` and below).
    static func isOpenAIPath(_ path: String) -> Bool {
        path == "/v1" || path.hasPrefix("/v1/")
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        var context = context
        let requestID = RequestIdentifier.accept(request.headers[RequestIdentifier.header]) ?? RequestIdentifier.make()
        context.requestID = requestID
        context.logger[metadataKey: "request.id"] = .string(requestID)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            if Self.isOpenAIPath(request.uri.path) {
                // The router's own 404/405 for a /v1 path never reached the /v1 group's error middleware:
                // answer in the dialect the client speaks there.
                let openAIError = OpenAIError.of(error)
                context.stats.update { $0.errorCode = $0.errorCode ?? openAIError.code ?? openAIError.type }
                response = openAIError.response()
            } else {
                let plain = PlainErrorResponse(error)
                if plain.status == .internalServerError {
                    context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
                }
                context.stats.update { $0.errorCode = $0.errorCode ?? plain.code }
                response = plain.response()
            }
        }
        response.headers[RequestIdentifier.header] = requestID
        let status = response.status
        let logger = context.logger
        let stats = context.stats
        let endpoint = context.endpointPath ?? "unknown"
        let method = request.method.rawValue
        let path = status == .notFound ? Self.loggedPath(request.uri.path) : nil
        let metrics = self.metrics
        let written: @Sendable () -> Void = {
            let duration = DispatchTime.now().uptimeNanoseconds &- start
            metrics.recordRequest(route: endpoint, method: method, status: Int(status.code), durationNanoseconds: Int64(duration))
            let values = stats.snapshot
            if Self.inferenceRoutes.contains(endpoint) {
                metrics.recordInference(
                    team: values.team,
                    model: values.servedModel,
                    status: Int(status.code),
                    refusal: status.code >= 400 ? (values.errorCode ?? "http_\(status.code)") : nil
                )
            }
            var metadata: Logger.Metadata = [
                "http.method": .string(method),
                "http.route": .string(endpoint),
                "http.status": .stringConvertible(status.code),
                "duration_ms": .string(String(format: "%.1f", Double(duration) / 1e6)),
            ]
            if let principal = values.principal { metadata["principal"] = .string(principal) }
            if let model = values.model { metadata["model"] = .string(model) }
            if values.promptTokens > 0 || values.completionTokens > 0 {
                metadata["tokens.prompt"] = .stringConvertible(values.promptTokens)
                metadata["tokens.completion"] = .stringConvertible(values.completionTokens)
            }
            if values.streamed { metadata["stream"] = "true" }
            if let outcome = values.outcome { metadata["outcome"] = .string(outcome) }
            if let code = values.errorCode { metadata["error.code"] = .string(code) }
            if let parameter = values.errorParameter { metadata["error.param"] = .string(Self.loggedPath(parameter)) }
            if let path { metadata["http.path"] = .string(path) }
            logger.info("request", metadata: metadata)
        }
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            do {
                try await body.write(writer)
            } catch {
                written()
                throw error
            }
            written()
        }
        return response
    }
}

extension RequestObservationMiddleware {
    /// The most bytes of a client-supplied path or parameter name written to the log.
    static let loggedPathLimit = 256

    /// `value`, cut to ``loggedPathLimit`` bytes (on a character boundary) and marked as cut.
    static func loggedPath(_ value: String) -> String {
        guard value.utf8.count > loggedPathLimit else { return value }
        var cut = ""
        for character in value {
            if cut.utf8.count + character.utf8.count > loggedPathLimit { break }
            cut.append(character)
        }
        return cut + "...(cut, \(value.utf8.count) bytes)"
    }
}

/// Request ids: `X-Request-Id`.
public enum RequestIdentifier {
    /// The header carrying the id.
    public static let header = HTTPField.Name("X-Request-Id")!

    /// A new random id: 24 hex digits.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = UInt64.random(in: .min ... .max, using: &generator)
        let low = UInt32.random(in: .min ... .max, using: &generator)
        return hex(high, width: 16) + hex(UInt64(low), width: 8)
    }

    /// A client's id if it is 1 to 64 characters of letters, digits, `-`, `_` and `.`; otherwise `nil`.
    public static func accept(_ value: String?) -> String? {
        guard let value, (1...64).contains(value.utf8.count) else { return nil }
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E
        }
        return allowed ? value : nil
    }

    private static func hex(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
