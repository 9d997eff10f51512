// Enclave server: security headers on every router response, errors and 404s included.

import HTTPTypes
public import Hummingbird

/// Adds ``SecurityHeaders`` to every response. It is the outermost middleware, so the responses that the
/// inner ones make from errors get the headers too. A response that sets its own
/// `Content-Security-Policy` (the root page) keeps it; `Cache-Control` is always `no-store`.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        for (name, value) in SecurityHeaders.fields {
            guard let field = HTTPField.Name(name) else { continue }
            if field == .contentSecurityPolicy, response.headers[field] != nil { continue }
            response.headers[field] = value
        }
        return response
    }
}
