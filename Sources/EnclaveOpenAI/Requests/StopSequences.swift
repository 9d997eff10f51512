// Enclave OpenAI dialect: the `stop` parameter.

/// `stop`: one string or a list of strings (`null`: none).
public struct StopSequences: Codable, Sendable {
    /// The strings.
    public var values: [String]

    /// Stop sequences.
    public init(values: [String]) {
        self.values = values
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            values = []
        } else if let single = try? container.decode(String.self) {
            values = [single]
        } else if let list = try? container.decode([String].self) {
            values = list
        } else {
            throw DecodingError.typeMismatch(
                StopSequences.self,
                .init(codingPath: decoder.codingPath, debugDescription: "expected a string or a list of strings")
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}
