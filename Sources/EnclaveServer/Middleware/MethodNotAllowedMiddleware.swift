// Enclave server: 405 with `Allow` for a known path asked with the wrong method.

public import Hummingbird

/// Turns the router's 404 for a path that exists under other methods into `405 Method Not Allowed` with
/// an `Allow` header (RFC 9110 §15.5.6): `TRACE /v1/chat/completions` or `GET /v1/completions` say which
/// method to use instead of claiming the URL does not exist.
///
/// The router does not expose its routes, so the methods of a path are found by asking a *probe* router
/// that has the same routes behind ``RouteProbe``: it answers whether a route matched without running it.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = EnclaveRequestContext

    /// The methods tried against the probe router.
    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]

    let probe: RouterResponder<EnclaveRequestContext>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            var allowed: [String] = []
            for method in Self.methods where method != request.method {
                var head = request.head
                head.method = method
                // A fresh context: the router records the matched path in it.
                let probeContext = Context(source: .init(channel: context.channel, logger: context.logger))
                let response = try await probe.respond(to: Request(head: head, body: .init(buffer: .init())), context: probeContext)
                if response.status == RouteProbe.matched { allowed.append(method.rawValue) }
            }
            guard !allowed.isEmpty else { throw error }
            throw HTTPError(.methodNotAllowed, headers: [.allow: allowed.joined(separator: ", ")])
        }
    }
}

/// The first middleware of the probe router: it answers ``matched`` for a request that reached a route
/// (the router has set its endpoint path) and never calls the route.
struct RouteProbe: RouterMiddleware {
    typealias Context = EnclaveRequestContext

    /// The status meaning "a route matched".
    static let matched = HTTPResponse.Status.noContent

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.endpointPath != nil else { return Response(status: .notFound) }
        return Response(status: Self.matched)
    }
}
