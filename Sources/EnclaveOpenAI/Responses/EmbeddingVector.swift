// Enclave OpenAI dialect: one embedding on the wire, as numbers or base64.

public import Foundation

/// An embedding as JSON numbers or as base64 of its little-endian float32 bytes.
public enum EmbeddingVector: Codable, Sendable, Hashable {
    case floats([Float])
    case base64(String)

    /// Base64 of `vector`'s little-endian float32 bytes (what OpenAI's `encoding_format: base64` sends).
    public static func base64(_ vector: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString()
    }

    /// The floats of a base64 vector, or nil if it is not base64 of whole float32 values.
    public static func floats(base64 text: String) -> [Float]? {
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else { return nil }
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 4).map { i in
            var bits: UInt32 = 0
            for j in 0..<4 { bits |= UInt32(bytes[i + j]) << (8 * UInt32(j)) }
            return Float(bitPattern: bits)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .base64(text)
        } else {
            self = .floats(try container.decode([Float].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .floats(let values): try container.encode(values)
        case .base64(let text): try container.encode(text)
        }
    }
}
