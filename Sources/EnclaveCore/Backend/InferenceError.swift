// Enclave: errors of the inference path, independent of any API dialect.

/// An error on the way from a request to generated text. It carries a code and structured facts (token
/// counts, the parameter and what is wrong with it, the model); each API dialect words its own message and
/// picks its status from them (the OpenAI dialect: `OpenAIError.from(_:)`).
///
/// ```swift
/// throw InferenceError.contextLengthExceeded(promptTokens: 5000, limit: 4096)
/// ```
public struct InferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unknownModel, contextLengthExceeded, invalidParameter, notReady, unavailable, overloaded, `internal`
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The model id is not served here (404).
        public static let unknownModel = Code(.unknownModel)
        /// The prompt (plus the requested completion) does not fit the model's context (400).
        public static let contextLengthExceeded = Code(.contextLengthExceeded)
        /// A request parameter has an invalid value (400).
        public static let invalidParameter = Code(.invalidParameter)
        /// The model is still loading (503).
        public static let notReady = Code(.notReady)
        /// The model cannot serve: it failed to load or its backend is down (503).
        public static let unavailable = Code(.unavailable)
        /// The queue is full (429 with Retry-After).
        public static let overloaded = Code(.overloaded)
        /// Something failed inside the backend (500); the message is safe to show.
        public static let `internal` = Code(.internal)
        public var description: String { base.rawValue }
    }

    private enum Kind: Hashable, Sendable {
        case unknownModel(String)
        case contextLengthExceeded(promptTokens: Int, completionTokens: Int, limit: Int)
        case invalidParameter(name: String, message: String)
        case notReady(String)
        case unavailable(model: String, reason: String)
        case overloaded(retryAfterSeconds: Int)
        case `internal`(String)
    }

    private let kind: Kind
    private init(_ kind: Kind) { self.kind = kind }

    /// The model id is not served by this backend.
    public static func unknownModel(_ id: String) -> InferenceError { InferenceError(.unknownModel(id)) }

    /// The prompt has `promptTokens` tokens, and the request asked for `completionTokens` more (0: the prompt
    /// alone is too long), but the model's context holds `limit`.
    public static func contextLengthExceeded(promptTokens: Int, completionTokens: Int = 0, limit: Int) -> InferenceError {
        InferenceError(.contextLengthExceeded(promptTokens: promptTokens, completionTokens: completionTokens, limit: limit))
    }

    /// The parameter `name` (in the API's spelling, e.g. `top_p` or `messages[1].role`) is invalid.
    public static func invalidParameter(_ name: String, _ message: String) -> InferenceError {
        InferenceError(.invalidParameter(name: name, message: message))
    }

    /// The model is still loading.
    public static func notReady(_ model: String) -> InferenceError { InferenceError(.notReady(model)) }

    /// The model cannot serve (it failed to load, or its backend is down), with a reason safe to show.
    public static func unavailable(_ model: String, reason: String) -> InferenceError {
        InferenceError(.unavailable(model: model, reason: reason))
    }

    /// The queue is full; the client may retry after about `retryAfterSeconds` seconds.
    public static func overloaded(retryAfterSeconds: Int = 1) -> InferenceError {
        InferenceError(.overloaded(retryAfterSeconds: max(1, retryAfterSeconds)))
    }

    /// An internal failure, with a message that is safe to show to the client.
    public static func `internal`(_ message: String) -> InferenceError { InferenceError(.internal(message)) }

    /// The kind of problem.
    public var code: Code {
        switch kind {
        case .unknownModel: .unknownModel
        case .contextLengthExceeded: .contextLengthExceeded
        case .invalidParameter: .invalidParameter
        case .notReady: .notReady
        case .unavailable: .unavailable
        case .overloaded: .overloaded
        case .internal: .internal
        }
    }

    /// The model id for `unknownModel`, `notReady` and `unavailable`.
    public var model: String? {
        switch kind {
        case .unknownModel(let id), .notReady(let id), .unavailable(let id, _): id
        default: nil
        }
    }

    /// The parameter's name for `invalidParameter`.
    public var parameter: String? {
        if case .invalidParameter(let name, _) = kind { return name }
        return nil
    }

    /// What is wrong with the parameter, for `invalidParameter` (e.g. "must be from 0 to 2, got 3").
    public var parameterProblem: String? {
        if case .invalidParameter(_, let problem) = kind { return problem }
        return nil
    }

    /// The prompt's token count, the requested completion tokens (0: the prompt alone is too long) and the
    /// context limit, for `contextLengthExceeded`.
    public var contextLength: (promptTokens: Int, completionTokens: Int, limit: Int)? {
        if case .contextLengthExceeded(let promptTokens, let completionTokens, let limit) = kind {
            return (promptTokens, completionTokens, limit)
        }
        return nil
    }

    /// Why the model cannot serve, for `unavailable` (safe to show).
    public var unavailableReason: String? {
        if case .unavailable(_, let reason) = kind { return reason }
        return nil
    }

    /// Seconds after which to retry, for `overloaded`.
    public var retryAfterSeconds: Int? {
        if case .overloaded(let seconds) = kind { return seconds }
        return nil
    }

    /// The facts in a neutral sentence, for logs and load-failure reasons. Client messages are the dialects'
    /// business: they word them from the structured properties above.
    public var message: String {
        switch kind {
        case .unknownModel(let id):
            "unknown model '\(id)'"
        case .contextLengthExceeded(let promptTokens, let completionTokens, let limit):
            "prompt of \(promptTokens) tokens plus \(completionTokens) completion tokens exceeds the context of \(limit) tokens"
        case .invalidParameter(let name, let problem):
            "\(name): \(problem)"
        case .notReady(let id):
            "model '\(id)' is loading"
        case .unavailable(let id, let reason):
            "model '\(id)' is unavailable: \(reason)"
        case .overloaded(let seconds):
            "queue full (retry after \(seconds) s)"
        case .internal(let message):
            message
        }
    }

    public var description: String { "\(code): \(message)" }
}
