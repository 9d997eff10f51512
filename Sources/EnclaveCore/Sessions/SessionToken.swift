// Enclave core: the secret of a web session, and the cookie that carries it.

import Crypto
import Foundation

/// A session's secret: 32 random bytes in base64url (43 characters). The cookie carries it signed
/// (``cookieValue(signedWith:)``: `token.signature`, HMAC-SHA256 with the server's session key); the store
/// keeps its SHA-256 only (``hash``). The CSRF token of the session is derived from it with the same key
/// (``csrfToken(signedWith:)``), so it needs no storage and no one without the key can make one.
public struct SessionToken: Sendable, Hashable {
    /// Random bytes in a token.
    public static let randomByteCount = 32

    /// The token, in base64url.
    public let value: String

    private init(value: String) {
        self.value = value
    }

    /// A new token from the system's cryptographically secure generator.
    public static func generate() -> SessionToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<randomByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return SessionToken(value: Base64URL.encode(bytes))
    }

    /// The SHA-256 of the token, as the store keeps it.
    public var hash: KeyHash { KeyHash(secret: "session:" + value) }

    /// The cookie value: the token and its HMAC-SHA256 signature, `token.signature`.
    public func cookieValue(signedWith key: SessionKey) -> String {
        value + "." + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Data(("cookie:" + value).utf8), using: key.symmetricKey)))
    }

    /// The token of a cookie value whose signature is right; `nil` for anything else.
    public init?(cookieValue: String, signedWith key: SessionKey) {
        let parts = cookieValue.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count == 43, let signature = Base64URL.decode(String(parts[1])) else { return nil }
        let token = String(parts[0])
        guard token.utf8.allSatisfy(Base64URL.isAlphabet),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data(("cookie:" + token).utf8), using: key.symmetricKey)
        else { return nil }
        self.value = token
    }

    /// The session's CSRF token: HMAC-SHA256 of the token with the server's key, in base64url.
    public func csrfToken(signedWith key: SessionKey) -> String {
        Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Data(("csrf:" + value).utf8), using: key.symmetricKey)))
    }

    /// Whether `presented` is this session's CSRF token (compared in constant time).
    public func acceptsCSRFToken(_ presented: String?, signedWith key: SessionKey) -> Bool {
        guard let presented, let bytes = Base64URL.decode(presented) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: Data(("csrf:" + value).utf8), using: key.symmetricKey)
    }
}

/// Base64url without padding.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 128, text.utf8.allSatisfy(isAlphabet) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }

    static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
