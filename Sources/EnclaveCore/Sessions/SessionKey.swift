// Enclave core: the server's key for signing session cookies and deriving CSRF tokens.

import Crypto

/// The server's secret key for session cookies (HMAC-SHA256): 32 random bytes, made once and kept in the
/// data directory (`session.key`, mode `0600`; see `SessionKeyFile` in EnclaveStorage), so that sessions
/// survive a restart. A new key logs everyone out.
public struct SessionKey: Sendable {
    /// The key's length in bytes.
    public static let byteCount = 32

    let symmetricKey: SymmetricKey

    /// A new random key (tests; a server that keeps no key).
    public static func generate() -> SessionKey {
        SessionKey(symmetricKey: SymmetricKey(size: .bits256))
    }

    /// A key read from storage; `nil` unless it has ``byteCount`` bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.symmetricKey = SymmetricKey(data: bytes)
    }

    private init(symmetricKey: SymmetricKey) {
        self.symmetricKey = symmetricKey
    }

    /// The key's bytes, to store.
    public var bytes: [UInt8] { symmetricKey.withUnsafeBytes { Array($0) } }
}
