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

    /// The bytes as UTF-8 text, refusing binary data and invalid UTF-8.
    static func decode(_ data: Data) throws(DocumentParseError) -> String {
        guard !data.isEmpty else { throw .empty }
        if data.prefix(8192).contains(0) { throw .binary }
        guard let text = String(data: data, encoding: .utf8) else { throw .invalidText }
        return text.replacingOccurrences(of: "\r\n", with: "\n")
    }
}
