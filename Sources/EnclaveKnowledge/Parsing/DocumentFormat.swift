// Enclave knowledge: the formats ingestion reads.

/// A format ingestion reads, detected from the file name's extension and checked against the bytes.
public enum DocumentFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// Plain text (`.txt`, `.text`, `.rst`, `.log`, `.csv`).
    case text
    /// Markdown (`.md`, `.markdown`).
    case markdown
    /// HTML (`.html`, `.htm`): text only.
    case html
    /// PDF (`.pdf`), text per page through poppler's `pdftotext`.
    case pdf
    /// Word (`.docx`).
    case docx
}
