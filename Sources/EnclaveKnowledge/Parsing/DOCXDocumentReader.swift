// Enclave knowledge: the paragraphs of a Word document's XML.

import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads `word/document.xml` with Foundation's SAX parser into blocks. Element and attribute names are
/// compared without their namespace prefix.
final class DOCXDocumentReader: NSObject, XMLParserDelegate {
    private let headingLevels: [String: Int]
    private(set) var blocks: [ParsedDocument.Block] = []

    private var paragraph = ""
    private var paragraphLevel: Int?
    private var inText = false
    private var runDepth = 0
    private var tableDepth = 0
    private var rowCells: [String] = []
    private var cellParagraphs: [String] = []
    private var openElements = 0
    private var sawRoot = false

    private init(headingLevels: [String: Int]) {
        self.headingLevels = headingLevels
    }

    /// The document's blocks; `nil` when the XML is not well formed.
    static func blocks(in xml: Data, headingLevels: [String: Int]) -> [ParsedDocument.Block]? {
        let reader = DOCXDocumentReader(headingLevels: headingLevels)
        let parser = XMLParser(data: xml)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        // Foundation on Linux may report a document cut short as parsed: check that every element closed.
        guard parser.parse(), parser.parserError == nil, reader.openElements == 0, reader.sawRoot else { return nil }
        return reader.blocks
    }

    /// A heading level from a style id: the styles part's answer first, then Word's built-in ids.
    private func level(ofStyle id: String) -> Int? {
        if let level = headingLevels[id] { return level }
        if id.lowercased() == "title" { return 1 }
        let lowered = id.lowercased()
        if lowered.hasPrefix("heading"), let level = Int(lowered.dropFirst("heading".count)), (1...9).contains(level) { return level }
        return nil
    }

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        openElements += 1
        sawRoot = true
        switch Self.localName(elementName) {
        case "p":
            paragraph = ""
            paragraphLevel = nil
        case "pStyle":
            if let id = Self.value(attributeDict) { paragraphLevel = level(ofStyle: id) }
        case "outlineLvl":
            if paragraphLevel == nil, let value = Self.value(attributeDict).flatMap(Int.init), (0..<9).contains(value) {
                paragraphLevel = value + 1
            }
        case "r": runDepth += 1
        case "t": inText = true
        case "tab" where runDepth > 0: paragraph += "\t"
        case "br", "cr": if runDepth > 0 { paragraph += "\n" }
        case "noBreakHyphen": paragraph += "-"
        case "tbl": tableDepth += 1
        case "tr" where tableDepth == 1: rowCells = []
        case "tc" where tableDepth == 1: cellParagraphs = []
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        openElements -= 1
        switch Self.localName(elementName) {
        case "t": inText = false
        case "r": runDepth -= 1
        case "p": endParagraph()
        case "tc" where tableDepth == 1:
            let cell = cellParagraphs.joined(separator: " ")
            if !cell.isEmpty { rowCells.append(cell) }
        case "tr" where tableDepth == 1:
            let row = rowCells.joined(separator: " | ")
            if !row.isEmpty { blocks.append(.init(kind: .paragraph, text: row)) }
            rowCells = []
        case "tbl": tableDepth -= 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { paragraph += string }
    }

    private func endParagraph() {
        let lines = paragraph.split(separator: "\n").map { String($0).collapsingWhitespace }.filter { !$0.isEmpty }
        paragraph = ""
        guard !lines.isEmpty else { return }
        if tableDepth > 0 {
            cellParagraphs.append(lines.joined(separator: " "))
        } else if let level = paragraphLevel {
            blocks.append(.init(kind: .heading(level: level), text: lines.joined(separator: " ")))
        } else {
            blocks.append(.init(kind: .paragraph, text: lines.joined(separator: "\n")))
        }
        paragraphLevel = nil
    }

    static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    /// The `w:val` attribute, whatever its prefix.
    static func value(_ attributes: [String: String]) -> String? {
        attributes.first { localName($0.key) == "val" }?.value
    }
}
