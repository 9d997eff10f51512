// Enclave OpenAI dialect: the fields every completion object of the OpenAI API shares.

/// A completion object around its choices: `id`, `object`, `created`, `model`, `choices` and, when asked
/// for, `usage`. Whole chat completions, their stream chunks and text completions differ only in the
/// choice type and the `object` name.
public struct CompletionEnvelope<Choice: Codable & Sendable>: Codable, Sendable {
    public var id: String
    public var object: String
    public var created: Int
    public var model: String
    public var choices: [Choice]
    /// The token counts; written as `null` when absent and ``includeUsage`` is on.
    public var usage: Usage?
    /// Whether to write `usage` at all (stream chunks carry it only with `stream_options.include_usage`).
    public var includeUsage: Bool

    /// Creates a completion object.
    public init(id: String, object: String, created: Int, model: String, choices: [Choice], usage: Usage?, includeUsage: Bool) {
        self.id = id
        self.object = object
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.includeUsage = includeUsage
    }

    enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        object = try container.decode(String.self, forKey: .object)
        created = try container.decode(Int.self, forKey: .created)
        model = try container.decode(String.self, forKey: .model)
        choices = try container.decode([Choice].self, forKey: .choices)
        usage = try container.decodeIfPresent(Usage.self, forKey: .usage)
        includeUsage = container.contains(.usage)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(object, forKey: .object)
        try container.encode(created, forKey: .created)
        try container.encode(model, forKey: .model)
        try container.encode(choices, forKey: .choices)
        if includeUsage { try container.encode(usage, forKey: .usage) }
    }
}
