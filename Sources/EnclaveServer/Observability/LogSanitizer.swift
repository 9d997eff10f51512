// Enclave server: making every logged value safe to write into a log line.

public import Logging

/// Escapes and caps the values a log handler writes, so that what a client sends (a model name, a path, a
/// header) can neither forge a log line nor flood the log.
///
/// Every scalar that is not printable text is escaped: control characters (a newline would start a forged
/// line), format characters (bidirectional overrides, zero-width characters), line and paragraph separators,
/// private-use and unassigned code points. Printable text, non-ASCII letters and emoji included, is kept as
/// it is. Each value is cut after ``maximumBytes`` bytes of output, at a scalar boundary, and marked with
/// `…[cut N bytes]` (N counts the input's UTF-8 bytes left out); each array or dictionary keeps at most
/// ``maximumItems`` entries.
///
/// ```swift
/// let sanitizer = LogSanitizer()
/// sanitizer.escape("a\nb", style: .text)   // "a\\nb"
/// ```
public struct LogSanitizer: Sendable {
    /// How escaped scalars are spelled.
    public enum Style: Sendable {
        /// `\n`, `\r`, `\t`, `\\` and `\u{202E}`: readable in a terminal.
        case text
        /// JSON string escapes (`\n`, `\"`, `\u202e`, surrogate pairs above the BMP), for the inside of a JSON string.
        case json
    }

    /// The most bytes of one value's escaped output before it is cut.
    public var maximumBytes: Int
    /// The most entries of one array or dictionary before the rest is cut.
    public var maximumItems: Int

    /// Creates a sanitizer.
    /// - Parameters:
    ///   - maximumBytes: The most bytes of one value (message, metadata value, key) in the output.
    ///   - maximumItems: The most entries of one array or dictionary value.
    public init(maximumBytes: Int = 512, maximumItems: Int = 32) {
        self.maximumBytes = max(1, maximumBytes)
        self.maximumItems = max(1, maximumItems)
    }

    /// `string` with its non-printable scalars escaped in `style`, cut after ``maximumBytes`` bytes.
    public func escape(_ string: String, style: Style) -> String {
        var output = ""
        var written = 0
        var consumed = 0
        let total = string.utf8.count
        for scalar in string.unicodeScalars {
            let piece = Self.escaped(scalar, style: style)
            let size = piece.utf8.count
            if written + size > maximumBytes {
                output += "…[cut \(total - consumed) bytes]"
                return output
            }
            output += piece
            written += size
            consumed += scalar.utf8.count
        }
        return output
    }

    /// `value` with every array and dictionary in it cut to ``maximumItems`` entries (the strings are left for
    /// the handler to escape in its own syntax with ``escape(_:style:)``).
    public func shortened(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string, .stringConvertible: return value
        case .array(let values):
            var kept = values.prefix(maximumItems).map(shortened)
            if values.count > maximumItems { kept.append(.string("…[cut \(values.count - maximumItems) items]")) }
            return .array(kept)
        case .dictionary(let dictionary):
            var kept: Logger.Metadata = [:]
            for key in dictionary.keys.sorted().prefix(maximumItems) { kept[key] = shortened(dictionary[key]!) }
            if dictionary.count > maximumItems { kept["…"] = .string("[cut \(dictionary.count - maximumItems) items]") }
            return .dictionary(kept)
        }
    }

    /// Whether a scalar is kept as it is (in either style, before the style's own escapes).
    public static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value >= 0x20 && scalar.value < 0x7F { return true }
        if scalar.isASCII { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: return false
        default: return true
        }
    }

    private static func escaped(_ scalar: Unicode.Scalar, style: Style) -> String {
        switch (scalar, style) {
        case ("\\", _): return "\\\\"
        case ("\"", .json): return "\\\""
        case ("\n", _): return "\\n"
        case ("\r", _): return "\\r"
        case ("\t", _): return "\\t"
        default: break
        }
        if isPrintable(scalar) { return String(scalar) }
        switch style {
        case .text:
            return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        case .json:
            return String(scalar).utf16.map { unit in
                let hex = String(unit, radix: 16)
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }.joined()
        }
    }
}
