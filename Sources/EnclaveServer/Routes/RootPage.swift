// Enclave server: GET / — a short page saying what this server is, for someone who opens it in a browser.

public import Hummingbird

/// `GET /` (open, no key): a small HTML page naming the server and pointing to the API, the health
/// checks and the docs. It loads nothing (no script, style, image or font) and its
/// `Content-Security-Policy` allows nothing, so it works on an offline LAN and cannot be framed.
public struct RootPage: Sendable {
    /// The page's policy: nothing may load, run, be submitted or frame it.
    static let contentSecurityPolicy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Enclave</title>
        </head>
        <body>
        <h1>Enclave</h1>
        <p>This is Enclave, a private LLM server. It has no web interface yet: it serves an OpenAI-compatible API.</p>
        <ul>
        <li><code>/v1</code> &mdash; the OpenAI-compatible API (<code>/v1/models</code>, <code>/v1/chat/completions</code>,
        <code>/v1/completions</code>). Every call needs an API key: <code>Authorization: Bearer enc-...</code>.
        Point any OpenAI client at <code>http://&lt;this address&gt;/v1</code>.</li>
        <li><code>/healthz</code> and <code>/readyz</code> &mdash; liveness and readiness (no key needed).</li>
        <li><code>/metrics</code> &mdash; Prometheus metrics (needs a key).</li>
        </ul>
        <p>Documentation comes with the server: <code>README.md</code>, <code>docs/configuration.md</code> (every setting) and
        <code>docs/architecture.md</code>. Create keys with <code>enclave keys create --name NAME</code>.</p>
        </body>
        </html>

        """

    /// Creates the route.
    public init() {}

    /// Adds `GET /` to the router.
    public func add(to router: Router<EnclaveRequestContext>) {
        router.get("/") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: Self.contentSecurityPolicy],
                body: .init(byteBuffer: ByteBuffer(string: Self.html))
            )
        }
    }
}
