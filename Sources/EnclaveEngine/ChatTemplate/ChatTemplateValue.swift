// Enclave: JSON-like values that callers pass to a chat template as extra variables.

/// A value passed to a chat template as a variable: the JSON data model, with object keys kept in order (templates
/// that print `tojson` show keys in the order given).
///
/// ```swift
/// let tools: ChatTemplateValue = [["type": "function", "function": ["name": "now"]]]
/// try template.render(messages: messages, addGenerationPrompt: true, bosToken: "<s>", eosToken: "</s>",
///                     variables: ["tools": tools])
/// ```
public indirect enum ChatTemplateValue: Sendable, Hashable {
    /// Python's `None` (JSON `null`).
    case none
    /// A Boolean.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// A string.
    case string(String)
    /// A list.
    case array([ChatTemplateValue])
    /// A mapping with string keys, in order.
    case object([Member])

    /// One key-value pair of an ``object(_:)``.
    public struct Member: Sendable, Hashable {
        /// The key.
        public var key: String
        /// The value.
        public var value: ChatTemplateValue
        /// Creates a member.
        public init(_ key: String, _ value: ChatTemplateValue) {
            self.key = key
            self.value = value
        }
    }
}

extension ChatTemplateValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .none }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: ChatTemplateValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, ChatTemplateValue)...) {
        self = .object(elements.map { Member($0.0, $0.1) })
    }
}
