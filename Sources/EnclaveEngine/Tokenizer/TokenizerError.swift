// Enclave: errors building a tokenizer from GGUF metadata.

/// An error building a tokenizer from a model's GGUF metadata: a key is missing or has the
/// wrong type, the vocabulary arrays disagree, or the model asks for a tokenizer this engine
/// does not implement. The message names the key or value at fault.
public struct TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case missingKey, invalidValue, unsupportedModel, unsupportedPreTokenizer, inconsistentVocabulary
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A required metadata key is absent (for example `tokenizer.ggml.tokens`).
        public static let missingKey = Code(.missingKey)
        /// A metadata value has the wrong type or an impossible value.
        public static let invalidValue = Code(.invalidValue)
        /// `tokenizer.ggml.model` names a tokenizer this engine does not implement.
        public static let unsupportedModel = Code(.unsupportedModel)
        /// `tokenizer.ggml.pre` names a pre-tokenizer this engine does not implement.
        public static let unsupportedPreTokenizer = Code(.unsupportedPreTokenizer)
        /// The vocabulary arrays disagree with each other (lengths, token ids).
        public static let inconsistentVocabulary = Code(.inconsistentVocabulary)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// A human-readable explanation naming the key or value at fault.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
