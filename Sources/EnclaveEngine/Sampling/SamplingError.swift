// Enclave: errors from sampling parameters, logits and stop strings.

/// An error from the sampler or the stop-string matcher: a parameter out of range, logits that do not match the
/// vocabulary, or logits with no finite value.
public struct SamplingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidParameter, invalidLogits
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A sampling parameter or stop string is out of range; the message names it and the allowed range.
        public static let invalidParameter = Code(.invalidParameter)
        /// The logits buffer has the wrong size or no finite value.
        public static let invalidLogits = Code(.invalidLogits)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// A human-readable explanation.
    public let message: String
    /// The parameter at fault in the OpenAI API's spelling (`top_p`, `stop`, ...), when one is.
    public let parameter: String?

    init(_ code: Code, _ message: String, parameter: String? = nil) {
        self.code = code
        self.message = message
        self.parameter = parameter
    }

    public var description: String { message }
}
