// Enclave: errors loading or running a model.

/// An error about a model: an unsupported architecture, a tensor whose shape or type does not
/// fit the hyperparameters, or a request the model cannot serve (such as a prompt too long for
/// the context).
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unsupportedArchitecture, invalidHyperparameter, missingTensor, badTensorShape, unsupportedTensorType
            case contextLengthExceeded, invalidRequest, outOfMemory
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        public static let unsupportedArchitecture = Code(.unsupportedArchitecture)
        public static let invalidHyperparameter = Code(.invalidHyperparameter)
        public static let missingTensor = Code(.missingTensor)
        public static let badTensorShape = Code(.badTensorShape)
        public static let unsupportedTensorType = Code(.unsupportedTensorType)
        /// The prompt plus the requested tokens do not fit the context.
        public static let contextLengthExceeded = Code(.contextLengthExceeded)
        /// A request parameter is invalid.
        public static let invalidRequest = Code(.invalidRequest)
        /// The request could never fit in the KV cache budget.
        public static let outOfMemory = Code(.outOfMemory)
        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
