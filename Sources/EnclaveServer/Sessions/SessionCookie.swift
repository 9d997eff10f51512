// Enclave server: the session cookie's name and flags.

import EnclaveCore
import HTTPTypes
import Hummingbird
import NIOCore

/// The `enclave_session` cookie: `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's
/// page sends it), `Path=/`, `Max-Age` of the session's absolute lifetime, and `Secure` when
/// `sessions.secure_cookie` says browsers come over HTTPS.
enum SessionCookie {
    /// The cookie's name.
    static let name = "enclave_session"
    /// The header a cookie-authenticated state-changing request carries its CSRF token in.
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// The `Set-Cookie` value that stores a session.
    static func setting(_ value: String, settings: SessionSettings) -> String {
        attributes("\(name)=\(value)", maxAge: settings.absoluteHours * 3600, settings: settings)
    }

    /// The `Set-Cookie` value that removes the cookie.
    static func clearing(settings: SessionSettings) -> String {
        attributes("\(name)=", maxAge: 0, settings: settings)
    }

    /// The session cookie's value in a request, if it has one.
    static func value(in request: Request) -> String? {
        guard let value = request.cookies[name]?.value, !value.isEmpty else { return nil }
        return value
    }

    /// Whether a request changes state (so needs a CSRF token when a cookie authenticates it).
    static func isStateChanging(_ method: HTTPRequest.Method) -> Bool {
        ![.get, .head, .options].contains(method)
    }

    /// The client's address, for lockouts and the audit log.
    static func clientAddress(of context: EnclaveRequestContext) -> String {
        context.channel.remoteAddress?.ipAddress ?? "local"
    }

    private static func attributes(_ pair: String, maxAge: Int, settings: SessionSettings) -> String {
        pair + "; Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (settings.secureCookie ? "; Secure" : "")
    }
}
