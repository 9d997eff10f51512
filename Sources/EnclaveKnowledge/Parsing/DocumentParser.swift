// Enclave knowledge: from a file's bytes to its structured text.

public import Foundation

/// Turns a file's bytes into a ``ParsedDocument``, choosing the format by the file name's extension and
/// checking the bytes against it.
public struct DocumentParser: Sendable {
    /// The largest file accepted, in bytes.
    public var maxBytes: Int

    /// Creates a parser.
    /// - Parameter maxBytes: The largest file accepted (default 50 MiB).
    public init(maxBytes: Int = 50 << 20) {
        self.maxBytes = maxBytes
    }

    /// The format a file name's extension names; `nil` for none ingestion reads.
    public static func format(ofFileNamed name: String) -> DocumentFormat? {
        switch (name as NSString).pathExtension.lowercased() {
        case "txt", "text", "rst", "log", "csv": .text
        case "md", "markdown": .markdown
        case "html", "htm": .html
        case "pdf": .pdf
        case "docx": .docx
        default: nil
        }
    }

    /// Parses a file.
    /// - Throws: ``DocumentParseError`` naming why the file cannot be ingested.
    public func parse(_ data: Data, fileName: String) throws(DocumentParseError) -> ParsedDocument {
        guard let format = Self.format(ofFileNamed: fileName) else {
            throw .unsupportedExtension((fileName as NSString).pathExtension.lowercased())
        }
        guard data.count <= maxBytes else { throw .tooLarge(bytes: data.count, limit: maxBytes) }
        switch format {
        case .text:
            return try PlainTextParser().parse(data)
        default:
            throw .unsupportedExtension((fileName as NSString).pathExtension.lowercased())
        }
    }
}
