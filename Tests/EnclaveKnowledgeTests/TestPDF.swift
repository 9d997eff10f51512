import Foundation

/// Writes minimal valid PDFs for the parser tests: one Helvetica text line per string, with a correct
/// cross-reference table.
enum TestPDF {
    /// A PDF whose pages hold `pages[i]`'s lines; a page with no lines draws a rectangle and has no text.
    static func make(pages: [[String]]) -> Data {
        var objects: [String] = []
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        let kids = pages.indices.map { "\(3 + 2 * $0) 0 R" }.joined(separator: " ")
        objects.append("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>")
        let font = 3 + 2 * pages.count
        for (index, lines) in pages.enumerated() {
            objects.append(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 \(font) 0 R >> >> /Contents \(4 + 2 * index) 0 R >>"
            )
            let body =
                lines.isEmpty
                ? "0.5 g 72 72 468 648 re f"
                : "BT /F1 12 Tf 72 720 Td " + lines.map { "(\(escape($0))) Tj 0 -14 Td" }.joined(separator: " ") + " ET"
            objects.append("<< /Length \(body.utf8.count) >>\nstream\n\(body)\nendstream")
        }
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        var output = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (number, object) in objects.enumerated() {
            offsets.append(output.utf8.count)
            output += "\(number + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = output.utf8.count
        output += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { output += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n" }
        output += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(output.utf8)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)")
    }

    /// `Tests/Data/knowledge/<name>`.
    static func fixture(_ name: String) throws -> Data {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return try Data(contentsOf: root.appendingPathComponent("Data/knowledge/\(name)"))
    }
}
