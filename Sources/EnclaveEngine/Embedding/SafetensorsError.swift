// Enclave: errors reading a safetensors file.

/// A safetensors file that cannot be read: missing, truncated, a header that is not the format's JSON,
/// or a tensor whose offsets, type or shape do not fit.
public struct SafetensorsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case cannotOpen, truncated, badHeader, badTensor, missingTensor
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The file cannot be opened or mapped.
        public static let cannotOpen = Code(.cannotOpen)
        /// The file ends before its header or a tensor's data does.
        public static let truncated = Code(.truncated)
        /// The header is not a JSON object of tensor entries.
        public static let badHeader = Code(.badHeader)
        /// A tensor entry has an unknown type, or offsets that do not match its shape.
        public static let badTensor = Code(.badTensor)
        /// A tensor the model needs is absent or has another shape or type.
        public static let missingTensor = Code(.missingTensor)
        public var description: String { base.rawValue }
    }

    /// What kind of problem this is.
    public let code: Code
    /// The problem, naming the file.
    public let message: String

    /// Creates an error about `file`.
    public init(_ code: Code, _ problem: String, file: String) {
        self.code = code
        self.message = "\(file): \(problem)"
    }

    public var description: String { message }
}
