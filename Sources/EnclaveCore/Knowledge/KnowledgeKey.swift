// Enclave: the secret that encrypts documents at rest.

import Crypto
import Foundation

/// The 32-byte secret that encrypts a knowledge store's documents, chunks and vectors at rest. It comes
/// from the configuration (`knowledge.encryption_key`, base64, normally `${ENCLAVE_KNOWLEDGE_KEY}`) or from
/// the generated key file `<data dir>/knowledge.key`.
///
/// ```swift
/// let key = KnowledgeKey.generate()
/// let same = KnowledgeKey(base64: key.base64)
/// ```
public struct KnowledgeKey: Sendable, Hashable {
    /// The key's length in bytes.
    public static let byteCount = 32

    /// The raw key bytes.
    public let bytes: [UInt8]

    /// A key from raw bytes; `nil` unless there are exactly ``byteCount`` of them.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// A key from its base64 text (surrounding white space ignored); `nil` if it is not base64 of
    /// ``byteCount`` bytes.
    public init?(base64: String) {
        let text = base64.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: text) else { return nil }
        self.init(bytes: Array(data))
    }

    /// A new random key from the system's secure generator.
    public static func generate() -> KnowledgeKey {
        let key = SymmetricKey(size: .bits256)
        // A fresh 256-bit key always has 32 bytes.
        return key.withUnsafeBytes { KnowledgeKey(bytes: Array($0)) }!
    }

    /// The key as base64 text, as the key file and `knowledge.encryption_key` hold it.
    public var base64: String { Data(bytes).base64EncodedString() }
}
