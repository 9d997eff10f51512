// Enclave: GGUF container errors.

/// An error reading a GGUF file: the file is not GGUF, is truncated or corrupt, or uses
/// something this engine does not support. The message always names the file.
public struct GGUFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case cannotOpen, notGGUF, unsupportedVersion, truncated, corrupt, unsupportedType, missing
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The file could not be opened or mapped.
        public static let cannotOpen = Code(.cannotOpen)
        /// The file does not start with the GGUF magic.
        public static let notGGUF = Code(.notGGUF)
        /// The GGUF version is not 2 or 3.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The file ends before a structure it declares.
        public static let truncated = Code(.truncated)
        /// A count, size, offset or shape is impossible.
        public static let corrupt = Code(.corrupt)
        /// A tensor or metadata type this engine does not support.
        public static let unsupportedType = Code(.unsupportedType)
        /// A required key or tensor is absent.
        public static let missing = Code(.missing)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// A human-readable explanation naming the file.
    public let message: String

    init(_ code: Code, _ message: String, file: String) {
        self.code = code
        self.message = "\(file): \(message)"
    }

    public var description: String { message }
}
