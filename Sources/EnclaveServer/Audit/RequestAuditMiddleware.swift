// Enclave server: every inference request, served or refused, goes into the audit log.

public import EnclaveCore
import EnclaveOpenAI
public import Hummingbird

/// Audits `POST /v1/chat/completions` and `POST /v1/completions` (see ``RequestAudit``). Mounted in the
/// `/v1` group inside ``OpenAIErrorMiddleware`` and before authentication, so that a request refused for
/// its key (401, 403), its limits (429) or its body (400) is recorded too. The record is durable before
/// the client has the answer:
/// - a refusal or a JSON answer: the record is committed before the response is returned (a failed append
///   turns it into a 503 `audit_unavailable`);
/// - an event stream: the stream commits before `data: [DONE]` (see ``OpenAIRoutes``' `eventStream`);
///   a stream that ended otherwise (client gone, error) is committed when its body ends.
public struct RequestAuditMiddleware: RouterMiddleware {
    public typealias Context = EnclaveRequestContext

    /// The routes audited.
    static let auditedRoutes: Set<String> = ["/v1/chat/completions", "/v1/completions"]

    let log: any AuditLog
    let wallClock: any WallClock

    /// Creates the middleware.
    public init(log: any AuditLog, wallClock: any WallClock = SystemWallClock()) {
        self.log = log
        self.wallClock = wallClock
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = context.endpointPath ?? request.uri.path
        guard request.method == .post, Self.auditedRoutes.contains(route) else { return try await next(request, context) }
        let audit = RequestAudit(
            log: log,
            wallClock: wallClock,
            stats: context.stats,
            route: route,
            requestID: context.requestID,
            clientAddress: context.channel.remoteAddress?.ipAddress,
            logger: context.logger
        )
        var response: Response
        do {
            response = try await RequestAudit.$current.withValue(audit) { try await next(request, context) }
        } catch {
            let refusal = OpenAIError.of(error)
            try await audit.commit(status: refusal.status, reason: refusal.code ?? refusal.type)
            throw error
        }
        guard response.headers[.contentType]?.hasPrefix("text/event-stream") == true else {
            try await audit.commit(status: Int(response.status.code))
            return response
        }
        let body = response.body
        let status = Int(response.status.code)
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            do {
                try await body.write(writer)
            } catch {
                try? await audit.commit(status: status)
                throw error
            }
            try? await audit.commit(status: status)
        }
        return response
    }
}
