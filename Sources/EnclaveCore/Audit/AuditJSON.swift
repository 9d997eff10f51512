// Enclave: the JSON values an audit record's `before` and `after` hold.

/// A JSON value in an audit record (`before`, `after`): what an entity looked like, secrets excluded.
/// Numbers are integers only, so that the canonical encoding (``AuditCanonicalEncoding``) is exact and
/// every reader computes the same bytes.
///
/// ```swift
/// let after: AuditJSON = .object(["name": .string("alice"), "role": .string("member"), "disabled": .bool(false)])
/// ```
public enum AuditJSON: Sendable, Hashable, Codable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer.
    case integer(Int64)
    /// A string.
    case string(String)
    /// An array.
    case array([AuditJSON])
    /// An object; its keys are written sorted by their UTF-8 bytes.
    case object([String: AuditJSON])

    /// A string, or `null` for `nil`.
    public static func nullable(_ value: String?) -> AuditJSON { value.map { .string($0) } ?? .null }

    /// The sorted strings as an array, or `null` for `nil`.
    public static func strings(_ values: (some Collection<String>)?) -> AuditJSON {
        values.map { .array($0.sorted().map { .string($0) }) } ?? .null
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AuditJSON].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: AuditJSON].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an audit JSON value (numbers must be integers)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The value's canonical JSON text (see ``AuditCanonicalEncoding``).
    public var canonicalText: String {
        var bytes: [UInt8] = []
        AuditCanonicalEncoding.write(self, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
