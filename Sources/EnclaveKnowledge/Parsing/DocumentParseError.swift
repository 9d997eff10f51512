// Enclave knowledge: why a file cannot be ingested.

/// Why a file cannot be ingested, in words a user can act on; it names no document text.
public struct DocumentParseError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Reason: Sendable, Hashable {
        case unsupportedExtension(String)
        case empty
        case binary
        case invalidText
        case malformed(String)
        case tooLarge(bytes: Int, limit: Int)
        case noText(String)
        case toolMissing(String)
    }

    private let reason: Reason

    /// The file's extension is not a format ingestion reads.
    public static func unsupportedExtension(_ ext: String) -> Self { Self(reason: .unsupportedExtension(ext)) }
    /// The file is empty, or holds only whitespace.
    public static let empty = Self(reason: .empty)
    /// A text format's bytes are binary.
    public static let binary = Self(reason: .binary)
    /// A text format's bytes are not valid UTF-8.
    public static let invalidText = Self(reason: .invalidText)
    /// The file is damaged or not what its extension says (`detail` says how).
    public static func malformed(_ detail: String) -> Self { Self(reason: .malformed(detail)) }
    /// The file is larger than the limit.
    public static func tooLarge(bytes: Int, limit: Int) -> Self { Self(reason: .tooLarge(bytes: bytes, limit: limit)) }
    /// The file parsed but has no text (an image-only or encrypted PDF; `detail` says which).
    public static func noText(_ detail: String) -> Self { Self(reason: .noText(detail)) }
    /// A tool a format needs is not installed (`pdftotext`).
    public static func toolMissing(_ detail: String) -> Self { Self(reason: .toolMissing(detail)) }

    public var description: String {
        switch reason {
        case .unsupportedExtension(let ext):
            let known = "txt, md, html, pdf, docx"
            return ext.isEmpty ? "the file has no extension (formats read: \(known))" : "'.\(ext)' is not a format ingestion reads (\(known))"
        case .empty: return "the file is empty"
        case .binary: return "the file is binary, not text"
        case .invalidText: return "the file is not valid UTF-8 text"
        case .malformed(let detail): return "the file is damaged: \(detail)"
        case .tooLarge(let bytes, let limit): return "the file is \(bytes) bytes, over the limit of \(limit)"
        case .noText(let detail): return "the file has no text: \(detail)"
        case .toolMissing(let detail): return detail
        }
    }
}
