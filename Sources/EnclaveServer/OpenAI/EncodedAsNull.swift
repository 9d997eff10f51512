// Enclave server: optional fields that OpenAI's objects show as `null`.

/// An optional that encodes `nil` as `null`. Synthesised `Encodable` leaves out `nil` optionals, while OpenAI's
/// objects show some fields as `null` (`logprobs`, `finish_reason`) and clients look for them.
@propertyWrapper
public struct EncodedAsNull<Value: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: Value?

    /// Wraps a value.
    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
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
