import Foundation
import ZIPFoundation

/// Builds Word documents in memory for the parser tests: the parts Word writes, with a body of raw
/// WordprocessingML.
enum TestDOCX {
    static let namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    /// A `.docx` whose `word/document.xml` body is `body`; `styles` is the inside of `w:styles` when given.
    static func make(body: String, styles: String? = nil, extraParts: [String: String] = [:]) throws -> Data {
        var parts: [String: String] = [
            "[Content_Types].xml": """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
            </Types>
            """,
            "word/document.xml": """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="\(namespace)"><w:body>\(body)</w:body></w:document>
            """,
        ]
        if let styles {
            parts["word/styles.xml"] = """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <w:styles xmlns:w="\(namespace)">\(styles)</w:styles>
                """
        }
        parts.merge(extraParts) { $1 }
        return try zip(parts)
    }

    /// A zip archive of the given files, deflated.
    static func zip(_ files: [String: String]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            let contents = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(contents.count), compressionMethod: .deflate) { position, size in
                contents.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// A paragraph of runs, with a paragraph style when given.
    static func paragraph(_ runs: String..., style: String? = nil) -> String {
        let properties = style.map { "<w:pPr><w:pStyle w:val=\"\($0)\"/></w:pPr>" } ?? ""
        return "<w:p>\(properties)" + runs.map { "<w:r><w:t xml:space=\"preserve\">\($0)</w:t></w:r>" }.joined() + "</w:p>"
    }
}
