// Enclave: the SHA-256 of an API key secret.

import Crypto
import Foundation

/// The SHA-256 digest of an API key's secret. Equality is constant-time, so comparing a presented key's
/// hash with a stored one leaks nothing through timing.
public struct KeyHash: Sendable, Hashable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Wraps digest bytes read from storage.
    /// - Throws: ``KeyStoreError`` with code `corrupt` unless there are exactly 32 bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else {
            throw KeyStoreError.corrupt("a key hash has \(bytes.count) bytes, expected 32")
        }
        self.bytes = bytes
    }

    /// The hash of a secret.
    public init(secret: String) {
        self.bytes = Array(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Constant-time comparison: the time taken does not depend on where the digests differ.
    public static func == (lhs: KeyHash, rhs: KeyHash) -> Bool {
        guard lhs.bytes.count == rhs.bytes.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.bytes.indices {
            difference |= lhs.bytes[index] ^ rhs.bytes[index]
        }
        return difference == 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes)
    }

    /// Lower-case hex.
    public var hex: String {
        bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    public var description: String { "KeyHash(\(hex.prefix(8))…)" }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
