// Enclave OpenAI dialect: optional fields that OpenAI's objects show as `null`.

/// An optional that encodes `nil` as `null`. Synthesised `Encodable` leaves out `nil` optionals, while OpenAI's
/// objects show some fields as `null` (`logprobs`, `finish_reason`, `refusal`) and clients look for them.
/// Decoding accepts the field as missing or `null`.
@propertyWrapper
public struct EncodedAsNull<Value: Codable & Sendable>: Codable, Sendable {
    public var wrappedValue: Value?

    /// Wraps a value.
    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue {
            try container.encode(wrappedValue)
        } else {
            try container.encodeNil()
        }
    }
}

extension KeyedDecodingContainer {
    /// A missing `EncodedAsNull` field is `nil`.
    public func decode<Value>(_ type: EncodedAsNull<Value>.Type, forKey key: Key) throws -> EncodedAsNull<Value> {
        try decodeIfPresent(type, forKey: key) ?? EncodedAsNull(wrappedValue: nil)
    }
}
