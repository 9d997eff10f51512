// Enclave: BERT's basic tokenization (HF BertNormalizer with lowercasing, then BertPreTokenizer).

import Foundation

/// The steps before word pieces, as HF `tokenizers` runs them for uncased BERT models:
/// - clean-up: U+0000, U+FFFD and control or format characters (Unicode C* categories, except tab, newline and
///   carriage return) are dropped, every whitespace character becomes a space;
/// - each CJK ideograph becomes a word of its own;
/// - accents are stripped (canonical decomposition, nonspacing marks dropped) and the text is lowercased;
/// - the text is split on whitespace, and each punctuation character (ASCII symbols or Unicode P*) is a word.
enum BasicTokenization {
    /// The words of `text`, each as its Unicode scalars.
    static func words(_ text: String) -> [[Unicode.Scalar]] {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD { continue }
            if isWhitespace(scalar) {
                cleaned.append(" ")
            } else if isControl(scalar) {
                continue
            } else if isCJK(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        let stripped = String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars.filter {
            $0.properties.generalCategory != .nonspacingMark
        }
        let lowered = String(String.UnicodeScalarView(stripped)).lowercased()

        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in lowered.unicodeScalars {
            if isWhitespace(scalar) {
                if !current.isEmpty { words.append(current) }
                current = []
            } else if isPunctuation(scalar) {
                if !current.isEmpty { words.append(current) }
                words.append([scalar])
                current = []
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: true
        default: false
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}
