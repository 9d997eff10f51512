// Enclave knowledge: Word documents.

public import Foundation
import ZIPFoundation

/// Word (`.docx`): the paragraphs of `word/document.xml` in order; headings from the paragraph style
/// (`Title`, `Heading1`…`Heading9`, or any style `word/styles.xml` names "heading n" or gives an outline
/// level), table rows as one paragraph with ` | ` between cells, tabs and line breaks kept.
struct DOCXParser {
    /// The largest XML part read, uncompressed: a guard against archives that inflate without bound.
    var maxPartBytes = 256 << 20

    func parse(_ data: Data) throws(DocumentParseError) -> ParsedDocument {
        guard data.starts(with: [0x50, 0x4B, 0x03, 0x04]), let archive = try? Archive(data: data, accessMode: .read) else {
            throw .malformed("it is not a DOCX file (not a zip archive)")
        }
        guard let documentEntry = archive["word/document.xml"] else { throw .malformed("it is not a DOCX file (no word/document.xml)") }
        let styles = try archive["word/styles.xml"].map { entry throws(DocumentParseError) in
            DOCXStyleReader.headingLevels(in: try read(entry, from: archive))
        }
        let document = try read(documentEntry, from: archive)
        guard let blocks = DOCXDocumentReader.blocks(in: document, headingLevels: styles ?? [:]) else {
            throw .malformed("its word/document.xml is not well-formed XML")
        }
        guard !blocks.isEmpty else { throw .empty }
        return ParsedDocument(format: .docx, blocks: blocks)
    }

    private func read(_ entry: Entry, from archive: Archive) throws(DocumentParseError) -> Data {
        guard entry.uncompressedSize <= UInt64(maxPartBytes) else { throw .malformed("\(entry.path) inflates past \(maxPartBytes) bytes") }
        var contents = Data()
        let limit = maxPartBytes
        do {
            _ = try archive.extract(entry) { chunk in
                contents.append(chunk)
                if contents.count > limit { throw CocoaError(.fileReadTooLarge) }
            }
        } catch {
            throw .malformed("\(entry.path) cannot be read from the archive")
        }
        return contents
    }
}
