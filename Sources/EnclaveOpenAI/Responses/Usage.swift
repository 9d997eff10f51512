// Enclave OpenAI dialect: token counts.

public import EnclaveCore

/// Token counts (`usage`).
public struct Usage: Codable, Sendable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

    /// Usage of prompt and completion tokens.
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = promptTokens &+ completionTokens
    }

    /// The usage of a generation.
    public init(_ usage: InferenceUsage) {
        self.init(promptTokens: usage.promptTokens, completionTokens: usage.completionTokens)
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }
}
