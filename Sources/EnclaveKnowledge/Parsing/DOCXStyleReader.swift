// Enclave knowledge: which of a Word document's styles are headings.

import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads `word/styles.xml`: the heading level of each paragraph style named "heading n" or "Title", or
/// with an outline level (localised Word versions give headings ids like `berschrift1`).
final class DOCXStyleReader: NSObject, XMLParserDelegate {
    private var levels: [String: Int] = [:]
    private var styleID: String?
    private var styleLevel: Int?

    /// Style id to heading level; empty when the part cannot be read (the built-in ids still apply).
    static func headingLevels(in xml: Data) -> [String: Int] {
        let reader = DOCXStyleReader()
        let parser = XMLParser(data: xml)
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        return parser.parse() ? reader.levels : [:]
    }

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        switch DOCXDocumentReader.localName(elementName) {
        case "style":
            styleID = attributeDict.first { DOCXDocumentReader.localName($0.key) == "styleId" }?.value
            styleLevel = nil
        case "name":
            guard let name = DOCXDocumentReader.value(attributeDict)?.lowercased() else { return }
            if name == "title" {
                styleLevel = 1
            } else if name.hasPrefix("heading "), let level = Int(name.dropFirst("heading ".count)), (1...9).contains(level) {
                styleLevel = level
            }
        case "outlineLvl":
            if styleLevel == nil, let value = DOCXDocumentReader.value(attributeDict).flatMap(Int.init), (0..<9).contains(value) {
                styleLevel = value + 1
            }
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard DOCXDocumentReader.localName(elementName) == "style" else { return }
        if let styleID, let styleLevel { levels[styleID] = styleLevel }
        styleID = nil
        styleLevel = nil
    }
}
