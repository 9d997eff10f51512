// Enclave knowledge: PDF, through poppler's pdftotext.

public import Foundation

/// PDF: the text of each page through poppler's `pdftotext` (reading order, not layout), one paragraph
/// block per text block, each with its page. The file is copied to a private temporary directory (0700,
/// the copy 0600) that is removed afterwards. Parsing blocks the calling thread while the tool runs.
struct PDFParser {
    /// Directories searched for `pdftotext` and `pdfinfo`.
    var searchPath: [String]
    /// The longest a tool may run on one file.
    var timeout: Duration

    /// What ingestion says when poppler is not installed.
    static let toolMissingMessage = "PDF needs poppler's pdftotext: apt-get install poppler-utils"

    func parse(_ data: Data) throws(DocumentParseError) -> ParsedDocument {
        guard Self.hasMagic(data) else { throw .malformed("it is not a PDF file") }
        guard let pdftotext = ExternalTool(named: "pdftotext", searchPath: searchPath) else { throw .toolMissing(Self.toolMissingMessage) }
        let directory = try Self.makePrivateDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("input.pdf")
        guard FileManager.default.createFile(atPath: input.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw .malformed("it could not be copied for reading")
        }
        let outcome: ExternalTool.Outcome
        do {
            outcome = try pdftotext.run(["-enc", "UTF-8", input.path, "-"], in: directory, timeout: timeout)
        } catch .timedOut {
            throw .malformed("reading its text took longer than \(timeout)")
        } catch {
            throw .toolMissing(Self.toolMissingMessage)
        }
        guard outcome.status == 0 else {
            if Self.mentionsEncryption(outcome.errors) || isEncrypted(input: input, in: directory) { throw .noText("the PDF is encrypted") }
            throw .malformed("pdftotext could not read it (exit status \(outcome.status))")
        }
        let pages = Self.pages(String(decoding: outcome.output, as: UTF8.self))
        let blocks = pages.enumerated().flatMap { offset, text in
            Self.paragraphs(text).map { ParsedDocument.Block(kind: .paragraph, text: $0, page: offset + 1) }
        }
        guard !blocks.isEmpty else {
            if isEncrypted(input: input, in: directory) { throw .noText("the PDF is encrypted") }
            throw .noText("the PDF has no text layer (scanned images?); run OCR first")
        }
        return ParsedDocument(format: .pdf, blocks: blocks, pageCount: max(pages.count, 1))
    }

    /// Whether the bytes start with `%PDF-` (within the first 1 KiB, as readers allow).
    static func hasMagic(_ data: Data) -> Bool {
        let head = data.prefix(1024)
        let magic = Data("%PDF-".utf8)
        return head.range(of: magic) != nil
    }

    /// Whether `pdfinfo` reports the file encrypted.
    private func isEncrypted(input: URL, in directory: URL) -> Bool {
        if let pdfinfo = ExternalTool(named: "pdfinfo", searchPath: searchPath),
            let info = try? pdfinfo.run([input.path], in: directory, timeout: timeout)
        {
            let report = String(decoding: info.output, as: UTF8.self) + info.errors
            if report.range(of: #"Encrypted:\s+yes"#, options: .regularExpression) != nil { return true }
            return Self.mentionsEncryption(info.errors)
        }
        return false
    }

    private static func mentionsEncryption(_ errors: String) -> Bool {
        let lowered = errors.lowercased()
        return lowered.contains("password") || lowered.contains("encrypt")
    }

    /// The pages of pdftotext's output: it ends every page with a form feed.
    static func pages(_ text: String) -> [String] {
        var pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: false).map(String.init)
        if pages.count > 1, pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        return pages
    }

    /// A page's text blocks (separated by blank lines), each one line: wrapped lines are joined, a line
    /// ending in a hyphen is joined to the next without a space.
    static func paragraphs(_ page: String) -> [String] {
        var paragraphs: [String] = []
        var current = ""
        func flush() {
            let text = current.collapsingWhitespace
            if !text.isEmpty { paragraphs.append(text) }
            current = ""
        }
        for rawLine in page.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                flush()
                continue
            }
            if current.isEmpty || current.hasSuffix("-") {
                current += line
            } else {
                current += " " + line
            }
        }
        flush()
        return paragraphs
    }

    private static func makePrivateDirectory() throws(DocumentParseError) -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-pdf-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .malformed("no temporary directory to read it in")
        }
        return directory
    }
}
