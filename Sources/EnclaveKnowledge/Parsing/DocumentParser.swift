// Enclave knowledge: from a file's bytes to its structured text.

public import Foundation

/// Turns a file's bytes into a ``ParsedDocument``, choosing the format by the file name's extension and
/// checking the bytes against it.
public struct DocumentParser: Sendable {
    /// The largest file accepted, in bytes.
    public var maxBytes: Int
    /// The directories searched, in order, for the tools a format needs (`pdftotext` and `pdfinfo` for
    /// PDF): by default those of `PATH`, then `/usr/bin`, `/usr/local/bin` and `/opt/homebrew/bin`.
    public var toolSearchPath: [String] = ExternalTool.defaultSearchPath
    /// The longest a tool may run on one file before the file is reported as unreadable.
    public var toolTimeout: Duration = .seconds(120)

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
    ///
    /// Text formats (plain text, Markdown, HTML) must be UTF-8 without NUL bytes (a byte order mark is
    /// dropped); a `.pdf` must start with `%PDF-` and a `.docx` must be a zip archive. A PDF is read by
    /// poppler's `pdftotext`, which this call runs and waits for, so call it off latency-sensitive threads.
    ///
    /// ```swift
    /// let parsed = try DocumentParser().parse(bytes, fileName: "handbook.md")
    /// let passages = Chunker(tokenCount: count).chunks(of: parsed)
    /// ```
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - fileName: Its name; the extension chooses the format.
    /// - Throws: ``DocumentParseError`` naming why the file cannot be ingested; a bad file in a batch never
    ///   stops the others, since each call parses one file.
    public func parse(_ data: Data, fileName: String) throws(DocumentParseError) -> ParsedDocument {
        guard let format = Self.format(ofFileNamed: fileName) else {
            throw .unsupportedExtension((fileName as NSString).pathExtension.lowercased())
        }
        guard data.count <= maxBytes else { throw .tooLarge(bytes: data.count, limit: maxBytes) }
        guard !data.isEmpty else { throw .empty }
        let parsed: ParsedDocument
        switch format {
        case .text: parsed = try PlainTextParser().parse(data)
        case .markdown: parsed = try MarkdownParser().parse(data)
        case .html: parsed = try HTMLParser().parse(data)
        case .pdf: parsed = try PDFParser(searchPath: toolSearchPath, timeout: toolTimeout).parse(data)
        case .docx: parsed = try DOCXParser().parse(data)
        }
        // A document of headings alone has nothing to retrieve.
        guard parsed.blocks.contains(where: { !Self.isHeading($0) && !$0.text.allSatisfy(\.isWhitespace) }) else { throw .empty }
        return parsed
    }

    private static func isHeading(_ block: ParsedDocument.Block) -> Bool {
        if case .heading = block.kind { return true }
        return false
    }
}
