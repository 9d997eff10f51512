// Enclave: one turn of a conversation, as chat templates see it.

/// One message of a conversation: a role (`system`, `user`, `assistant`, or whatever a template accepts) and its text.
///
/// Templates receive each message as a mapping with the keys `role` and `content`, as Hugging Face passes them.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// The speaker: usually `system`, `user` or `assistant`.
    public var role: String
    /// The text of the message.
    public var content: String

    /// Creates a message.
    /// - Parameters:
    ///   - role: The speaker, e.g. `"user"`.
    ///   - content: The text.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    /// A `system` message.
    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
    /// A `user` message.
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
    /// An `assistant` message.
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: "assistant", content: content) }
}
