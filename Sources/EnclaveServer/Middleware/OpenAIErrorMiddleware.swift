// Enclave server: OpenAI-shaped errors on the /v1 routes.

import EnclaveOpenAI
public import Hummingbird
import Logging

/// Renders every error of the `/v1` routes (authentication included) in OpenAI's shape and wording, and
/// records the error's code and parameter for the request's log line. It sits inside
/// ``RequestObservationMiddleware``, which keeps the request id, the log line and the metrics for every
/// route; other routes render their own errors.
public struct OpenAIErrorMiddleware: RouterMiddleware {
    public typealias Context = EnclaveRequestContext

    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let openAIError = OpenAIError.of(error)
            if openAIError.status == 500 {
                context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
            }
            context.stats.update { values in
                values.errorCode = values.errorCode ?? openAIError.code ?? openAIError.type
                values.errorParameter = values.errorParameter ?? openAIError.param
            }
            return openAIError.response()
        }
    }
}
