// Enclave: one message of a chat conversation.

/// One message of a conversation: who said it (`system`, `user` or `assistant`) and what they said.
///
/// The API layer flattens OpenAI's text parts into `content`; a backend renders the turns with the
/// model's chat template.
public struct ChatTurn: Sendable, Hashable, Codable {
    /// `system`, `user` or `assistant`.
    public var role: String
    /// The message text.
    public var content: String

    /// Creates a turn.
    /// - Parameters:
    ///   - role: `system`, `user` or `assistant`.
    ///   - content: The message text.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}
