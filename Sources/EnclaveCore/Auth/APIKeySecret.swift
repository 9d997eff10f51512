// Enclave: generating and recognising API key secrets.

import Foundation

/// An API key's secret: `enc-` followed by 32 random bytes in base64url (43 characters).
///
/// ```swift
/// let secret = APIKeySecret.generate()
/// let hash = secret.hash          // store this
/// print(secret.value)             // show this once
/// ```
public struct APIKeySecret: Sendable, Hashable {
    /// The marker every Enclave key starts with.
    public static let marker = "enc-"
    /// Random bytes in a new key.
    public static let randomByteCount = 32
    /// Characters of the secret kept, in clear, as the key's display prefix.
    public static let displayPrefixLength = marker.count + 4

    /// The full secret.
    public let value: String

    /// Wraps a presented secret; `nil` unless it has the shape of an Enclave key.
    public init?(_ value: String) {
        guard value.hasPrefix(Self.marker) else { return nil }
        let body = value.dropFirst(Self.marker.count)
        guard body.count >= 43, body.count <= 128, body.utf8.allSatisfy(Self.isBase64URL) else { return nil }
        self.value = value
    }

    private init(unchecked value: String) {
        self.value = value
    }

    /// A new secret from the system's cryptographically secure generator.
    public static func generate() -> APIKeySecret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<randomByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let body = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return APIKeySecret(unchecked: marker + body)
    }

    /// The SHA-256 hash to store.
    public var hash: KeyHash { KeyHash(secret: value) }

    /// The non-secret prefix shown in key listings.
    public var displayPrefix: String { String(value.prefix(Self.displayPrefixLength)) }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
