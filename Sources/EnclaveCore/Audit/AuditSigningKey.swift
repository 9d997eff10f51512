// Enclave: the key pair that signs and checks audit checkpoints.

import Crypto
public import Foundation

/// The server's Ed25519 private key for audit checkpoints (``AuditCheckpoint``). `EnclaveStorage`'s
/// `AuditKeyFiles` keeps it in the data directory.
public struct AuditSigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init() {
        key = Curve25519.Signing.PrivateKey()
    }

    /// The key of 32 raw bytes.
    /// - Throws: CryptoKit's error if they are not a key.
    public init(rawRepresentation: Data) throws {
        key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    }

    /// The key's 32 raw bytes (a secret).
    public var rawRepresentation: Data { key.rawRepresentation }

    /// The matching public key.
    public var publicKey: AuditVerifyingKey { AuditVerifyingKey(key: key.publicKey) }

    /// The signature of `data`.
    public func signature(for data: Data) throws -> Data {
        try key.signature(for: data)
    }
}

/// The public half of an ``AuditSigningKey``: what `enclave audit verify` checks checkpoints with.
public struct AuditVerifyingKey: Sendable, Hashable {
    let key: Curve25519.Signing.PublicKey

    init(key: Curve25519.Signing.PublicKey) {
        self.key = key
    }

    /// The key of 32 raw bytes.
    /// - Throws: CryptoKit's error if they are not a key.
    public init(rawRepresentation: Data) throws {
        key = try Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation)
    }

    /// The key's 32 raw bytes.
    public var rawRepresentation: Data { key.rawRepresentation }

    /// Whether `signature` is this key's over `data`.
    public func isValidSignature(_ signature: Data, for data: Data) -> Bool {
        key.isValidSignature(signature, for: data)
    }

    public static func == (lhs: AuditVerifyingKey, rhs: AuditVerifyingKey) -> Bool { lhs.rawRepresentation == rhs.rawRepresentation }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}
