// Enclave: encryption of documents, chunks and vectors at rest.

import Crypto
public import Foundation

/// Seals and opens what a knowledge store keeps at rest (AES-256-GCM), and hashes words for the keyword
/// index, all with keys derived (HKDF-SHA256) from one ``KnowledgeKey``.
///
/// A sealed value is `version (1 byte) ‖ key id (4 bytes) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`. The key id
/// names the key it was sealed with, so a store can tell a value of another key (a wrong key, or a rotation
/// half done) from damaged data. Each value is bound to its place by the associated data `context` (such as
/// `chunk:doc_…:3:text`): a ciphertext copied into another row does not open.
///
/// ```swift
/// let cipher = KnowledgeCipher(key: KnowledgeKey.generate())
/// let sealed = try cipher.seal(Data("hello".utf8), context: "document:doc_1:name")
/// let plain = try cipher.open(sealed, context: "document:doc_1:name")
/// ```
public struct KnowledgeCipher: Sendable {
    /// The format version byte that starts every sealed value.
    static let version: UInt8 = 1
    /// Bytes before the nonce: the version and the key id.
    static let headerSize = 5

    private let encryptionKey: SymmetricKey
    private let tokenKey: SymmetricKey
    private let nameKey: SymmetricKey
    /// The key's public fingerprint (4 bytes), which every sealed value carries.
    public let keyID: [UInt8]

    /// A cipher over `key`.
    public init(key: KnowledgeKey) {
        let master = SymmetricKey(data: key.bytes)
        func derive(_ purpose: String, _ bytes: Int = 32) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: master,
                salt: Data("enclave-knowledge".utf8),
                info: Data(purpose.utf8),
                outputByteCount: bytes
            )
        }
        encryptionKey = derive("aes-256-gcm v1")
        tokenKey = derive("keyword tokens v1")
        nameKey = derive("document names v1")
        keyID = derive("key id v1", 4).withUnsafeBytes { Array($0) }
    }

    /// The key id as 8 lowercase hex digits, for messages (it reveals nothing about the key).
    public var keyIDHex: String { Self.hex(keyID) }

    /// Encrypts `plaintext`, bound to `context` (the row and column it is stored in).
    /// - Throws: ``KnowledgeStoreError`` `unavailable` if the system cannot encrypt (no randomness).
    public func seal(_ plaintext: Data, context: String) throws(KnowledgeStoreError) -> Data {
        let header = Data([Self.version] + keyID)
        do {
            let box = try AES.GCM.seal(plaintext, using: encryptionKey, authenticating: header + Data(context.utf8))
            return header + Data(box.nonce) + box.ciphertext + box.tag
        } catch {
            throw KnowledgeStoreError.unavailable("cannot encrypt: \(error)")
        }
    }

    /// Encrypts a string's UTF-8 bytes.
    public func seal(_ text: String, context: String) throws(KnowledgeStoreError) -> Data {
        try seal(Data(text.utf8), context: context)
    }

    /// Decrypts a value that ``seal(_:context:)-(Data,_)`` made for the same `context`.
    /// - Throws: ``KnowledgeStoreError`` `corrupt`: the value was sealed with another key (the message
    ///   names both key ids), was changed, or belongs to another row.
    public func open(_ sealed: Data, context: String) throws(KnowledgeStoreError) -> Data {
        let bytes = [UInt8](sealed)
        guard bytes.count >= Self.headerSize + 12 + 16, bytes[0] == Self.version else {
            throw KnowledgeStoreError.corrupt("an encrypted value of \(context) is not in Enclave's format (damaged data)")
        }
        let id = Array(bytes[1..<Self.headerSize])
        guard id == keyID else {
            throw KnowledgeStoreError.corrupt(
                "\(context) was encrypted with the knowledge key \(Self.hex(id)), not with this key (\(keyIDHex))"
            )
        }
        do {
            let nonce = try AES.GCM.Nonce(data: bytes[Self.headerSize..<(Self.headerSize + 12)])
            let box = try AES.GCM.SealedBox(
                nonce: nonce,
                ciphertext: bytes[(Self.headerSize + 12)..<(bytes.count - 16)],
                tag: bytes[(bytes.count - 16)...]
            )
            return try AES.GCM.open(box, using: encryptionKey, authenticating: Data(bytes[0..<Self.headerSize]) + Data(context.utf8))
        } catch {
            throw KnowledgeStoreError.corrupt("an encrypted value of \(context) does not authenticate (it was changed or moved)")
        }
    }

    /// Decrypts a string sealed by ``seal(_:context:)-(String,_)``.
    /// - Throws: ``KnowledgeStoreError`` `corrupt` as ``open(_:context:)``, or if the bytes are not UTF-8.
    public func openString(_ sealed: Data, context: String) throws(KnowledgeStoreError) -> String {
        guard let text = String(data: try open(sealed, context: context), encoding: .utf8) else {
            throw KnowledgeStoreError.corrupt("\(context) is not UTF-8 text")
        }
        return text
    }

    /// The key id a sealed value carries, or `nil` if it is not a sealed value.
    public static func keyID(of sealed: Data) -> [UInt8]? {
        let bytes = [UInt8](sealed.prefix(headerSize))
        guard bytes.count == headerSize, bytes[0] == version else { return nil }
        return Array(bytes[1...])
    }

    /// The keyword index's token for a word (already lowercased and folded): the first 8 bytes of
    /// HMAC-SHA256 with the token key, in lowercase base32 (13 characters of `a-z2-7`). Equal words give
    /// equal tokens under one key, and nothing else can be read from them without it.
    public func token(for word: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(word.utf8), using: tokenKey)
        return Self.base32(Array(mac).prefix(8))
    }

    /// A keyed hash of a document name within its collection, for looking names up without storing them.
    public func nameHash(_ name: String, inCollection collectionID: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data((collectionID + "\u{0}" + name).utf8), using: nameKey))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")

    private static func base32(_ bytes: some Collection<UInt8>) -> String {
        var output = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return output
    }
}
