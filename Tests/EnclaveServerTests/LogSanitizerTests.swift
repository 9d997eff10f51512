// Enclave server tests: log lines cannot be forged or flooded, in either format.

import EnclaveServer
import Foundation
import Logging
import Testing

@Suite struct LogSanitizerTests {
    let sanitizer = LogSanitizer()

    @Test func controlAndFormatCharactersAreEscapedInBothStyles() {
        let hostile = "a\nb\rc\td\u{0}e\u{1B}[31mf\u{7F}g\u{85}h\u{2028}i\u{202E}j\u{200B}k\\l"
        #expect(sanitizer.escape(hostile, style: .text) == #"a\nb\rc\td\u{0}e\u{1B}[31mf\u{7F}g\u{85}h\u{2028}i\u{202E}j\u{200B}k\\l"#)
        #expect(
            sanitizer.escape(hostile, style: .json)
                == #"a\nb\rc\td\u0000e\u001b[31mf\u007fg\u0085h\u2028i\u202ej\u200bk\\l"#
        )
        // Above the BMP the JSON escape is a surrogate pair (U+E0041 TAG LATIN CAPITAL LETTER A is a format character).
        #expect(sanitizer.escape("\u{E0041}", style: .json) == #"\udb40\udc41"#)
    }

    @Test func printableUnicodeStaysReadable() {
        let text = "Grüße, 日本語, émoji 🙂 and \"quotes\""
        #expect(sanitizer.escape(text, style: .text) == text)
        #expect(sanitizer.escape(text, style: .json) == #"Grüße, 日本語, émoji 🙂 and \"quotes\""#)
    }

    @Test func longValuesAreCutAtAScalarBoundaryAndMarked() {
        let small = LogSanitizer(maximumBytes: 10)
        #expect(small.escape("0123456789", style: .text) == "0123456789")
        #expect(small.escape(String(repeating: "x", count: 1 << 20), style: .text) == "xxxxxxxxxx…[cut 1048566 bytes]")
        // "é" is two bytes: five fill the 10 bytes, the sixth does not fit.
        #expect(small.escape(String(repeating: "é", count: 8), style: .text) == "ééééé…[cut 6 bytes]")
        // The cap counts escaped output: "\n" costs two bytes; the cut counts input bytes.
        #expect(small.escape(String(repeating: "\n", count: 8), style: .text) == #"\n\n\n\n\n…[cut 3 bytes]"#)
        #expect(small.escape("abcdefghi🙂", style: .text) == "abcdefghi…[cut 4 bytes]")
    }

    @Test func collectionsKeepAtMostTheItemLimit() {
        let small = LogSanitizer(maximumItems: 2)
        #expect(small.shortened(.array(["a", "b", "c", "d"])) == .array(["a", "b", "…[cut 2 items]"]))
        let shortened = small.shortened(.dictionary(["a": "1", "b": .array(["x", "y", "z"]), "c": "3"]))
        #expect(shortened == .dictionary(["a": "1", "b": .array(["x", "y", "…[cut 1 items]"]), "…": "[cut 1 items]"]))
    }
}

@Suite struct LogHandlerHygieneTests {
    static let forged = "nope\n2026-01-01T00:00:00Z info enclave : principal=admin [EnclaveServer] request"
    static let huge = String(repeating: "m", count: 1 << 20)
    static let metadata: Logger.Metadata = [
        "model": .string(forged),
        "big": .string(huge),
        "nested": .dictionary(["inner\nkey": .array([.string(forged), .stringConvertible(huge)])]),
        "plain": "Grüße 🙂",
    ]

    @Test func jsonLinesStayOneLineAndSmall() throws {
        let line = JSONLogHandler.render(
            time: Date(),
            level: .info,
            label: "enclave",
            message: "unknown model \(Self.forged) \(Self.huge)",
            metadata: Self.metadata,
            source: "test"
        )
        #expect(!line.contains("\n"))
        #expect(line.utf8.count < 4096)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["model"] as? String == Self.forged)
        #expect((object["big"] as? String)?.hasSuffix("…[cut \((1 << 20) - 512) bytes]") == true)
        #expect((object["message"] as? String)?.contains("…[cut ") == true)
        #expect(object["plain"] as? String == "Grüße 🙂")
        let nested = try #require(object["nested"] as? [String: Any])
        let inner = try #require(nested["inner\nkey"] as? [String])
        #expect(inner[0] == Self.forged)
        #expect(inner[1].hasSuffix("…[cut \((1 << 20) - 512) bytes]"))
    }

    @Test func textLinesStayOneLineAndSmall() {
        let line = TextLogHandler.render(
            time: Date(timeIntervalSince1970: 0),
            level: .info,
            label: "enclave",
            message: "unknown model \(Self.forged)",
            metadata: Self.metadata,
            source: "EnclaveServer"
        )
        #expect(!line.contains("\n") && !line.contains("\r"))
        #expect(line.utf8.count < 4096)
        #expect(line.hasPrefix(#"1970-01-01T00:00:00.000Z info enclave : big="mmm"#))
        #expect(line.contains(#"model="nope\n2026-01-01T00:00:00Z info enclave : principal=admin [EnclaveServer] request""#))
        #expect(line.contains(#"nested=[inner\nkey: [""#))
        #expect(line.contains(#"plain="Grüße 🙂""#))
        #expect(line.contains("…[cut \((1 << 20) - 512) bytes]"))
        #expect(line.hasSuffix(#"[EnclaveServer] unknown model nope\n2026-01-01T00:00:00Z info enclave : principal=admin [EnclaveServer] request"#))
    }

    @Test func textValuesWithSpacesOrQuotesAreQuoted() {
        let line = TextLogHandler.render(
            time: Date(timeIntervalSince1970: 0),
            level: .warning,
            label: "enclave",
            message: "m",
            metadata: ["a": "x", "b": "two words", "c": #"say "hi""#, "d": ""],
            source: "S"
        )
        #expect(line == #"1970-01-01T00:00:00.000Z warning enclave : a=x b="two words" c="say \"hi\"" d="" [S] m"#)
    }
}
