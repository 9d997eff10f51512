// Enclave server: the security headers every response carries.

/// The headers every response carries (router responses through ``SecurityHeadersMiddleware``, the
/// transport's own responses directly):
/// - `X-Content-Type-Options: nosniff`: a browser never guesses a type other than the one sent;
/// - `Cache-Control: no-store`: API answers (completions, keys, metrics) stay out of every cache;
/// - `Referrer-Policy: no-referrer`;
/// - `X-Frame-Options: DENY` and `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`
///   (unless the response sets its own policy): nothing is framed, and a JSON answer opened in a browser
///   can load and run nothing.
enum SecurityHeaders {
    /// The content security policy of responses that do not set one.
    static let defaultContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'"

    /// Name and value of each header, in order.
    static let fields: [(name: String, value: String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", defaultContentSecurityPolicy),
    ]
}
