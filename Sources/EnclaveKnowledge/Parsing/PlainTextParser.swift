// Enclave knowledge: plain text.

public import Foundation

/// Plain text: paragraphs are separated by blank lines.
struct PlainTextParser {
    func parse(_ data: Data) throws(DocumentParseError) -> ParsedDocument {
        let text = try Self.decode(data)
        let paragraphs = text.components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
        guard !paragraphs.isEmpty else { throw .empty }
        return ParsedDocument(format: .text, blocks: paragraphs.map { .init(kind: .paragraph, text: $0) })
    }

    /// The bytes as UTF-8 text with Unix line ends and no byte order mark, refusing binary data and invalid UTF-8.
    static func decode(_ data: Data) throws(DocumentParseError) -> String {
        guard !data.isEmpty else { throw .empty }
        if data.contains(0) { throw .binary }
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidText }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }
}
