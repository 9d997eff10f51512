// Enclave guardrails: values after a credential label (`password: ...`, `API_KEY=...`, "the token is ...").

import Foundation

extension SecretDetector {
    /// What a label says the value is.
    enum LabelKind {
        case password, awsSecret, generic
    }

    /// Identifier segments (split at `_`, `-`, `.` and camel case, lower case) that label a credential.
    static let labelSegments: Set<String> = [
        "key", "keys", "secret", "secrets", "token", "tokens", "password", "passwords", "passwd", "pwd", "pass", "passphrase",
        "credential", "credentials", "apikey", "auth", "authorization", "bearer", "accesskey", "secretkey", "privatekey", "authtoken",
        "accesstoken", "clientsecret", "apitoken", "sessiontoken", "passwort", "kennwort",
    ]
    static let passwordSegments: Set<String> = ["password", "passwords", "passwd", "pwd", "pass", "passphrase", "passwort", "kennwort"]

    /// At an identifier that may be a label: the value after `:`, `=`, `=>` or `is`, classified.
    func labelledValue(_ text: ScanBytes, at start: Int, into findings: inout [GuardFinding]) -> Int? {
        let identifierEnd = text.runEnd(from: start, limit: 64) {
            Byte.isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }
        let next = text[identifierEnd]
        guard identifierEnd - start >= 3,
            next == UInt8(ascii: ":") || next == UInt8(ascii: "=") || next == UInt8(ascii: " ") || next == UInt8(ascii: "\t")
                || Self.isQuote(next) || next == UInt8(ascii: "]"),
            let valueStart = valueStart(text, after: identifierEnd),
            let label = labelKind(text, start..<identifierEnd)
        else { return nil }
        var cursor = valueStart
        var quote: UInt8 = 0
        if Self.isQuote(text[cursor]) {
            quote = text[cursor]
            cursor += 1
        }
        for scheme: StaticString in ["bearer ", "basic ", "token "] where text.matchesFolded(scheme, at: cursor) {
            cursor += scheme.utf8CodeUnitCount
            break
        }
        let end = text.runEnd(from: cursor, limit: 257) { byte in
            if quote != 0 { return byte != quote && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r") }
            return
                !(Byte.isSpace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "\"")
                || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
                || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "`"))
        }
        var valueEnd = end
        if quote == 0 {
            while valueEnd > cursor, text[valueEnd - 1] == UInt8(ascii: ".") || text[valueEnd - 1] == UInt8(ascii: ":") { valueEnd -= 1 }
        }
        let value = cursor..<valueEnd
        guard value.count >= 6, value.count <= 256, !Self.isPlaceholder(text, value), !Self.isReference(text, value, quoted: quote != 0)
        else { return identifierEnd }
        if let kind = classify(text, value, label) {
            findings.append(GuardFinding(entity: .secret, range: value, score: kind == "password" ? 0.9 : 0.8, kind: kind))
            return valueEnd
        }
        return identifierEnd
    }

    @inline(__always) static func isQuote(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`")
    }

    /// Where the value starts after an identifier ending at `end`: past a closing quote, blanks and one of
    /// `:`, `=`, `:=`, `=>`, `is`; nil if none follows.
    private func valueStart(_ text: ScanBytes, after end: Int) -> Int? {
        var cursor = end
        if Self.isQuote(text[cursor]) || text[cursor] == UInt8(ascii: "]") { cursor += 1 }
        cursor = text.runEnd(from: cursor, limit: 3, while: Byte.isBlank)
        let byte = text[cursor]
        if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "=") {
            cursor += 1
            if text[cursor] == UInt8(ascii: "=") || text[cursor] == UInt8(ascii: ">") { cursor += 1 }
            if byte == UInt8(ascii: ":"), text[cursor] == UInt8(ascii: ":") { return nil }
        } else if cursor > end, text.matchesFolded("is", at: cursor), Byte.isBlank(text[cursor + 2]) {
            cursor += 2
        } else {
            return nil
        }
        cursor = text.runEnd(from: cursor, limit: 3, while: Byte.isBlank)
        guard cursor < text.count, !Byte.isSpace(text[cursor]) else { return nil }
        return cursor
    }

    /// The label an identifier is, from its segments; nil if it names no credential.
    private func labelKind(_ text: ScanBytes, _ identifier: Range<Int>) -> LabelKind? {
        var segments: [String] = []
        var segmentStart = identifier.lowerBound
        for index in identifier.lowerBound...identifier.upperBound {
            let byte = text[index]
            let boundary =
                index == identifier.upperBound || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            let camel = index > segmentStart && Byte.isUpper(byte) && Byte.isLower(text[index - 1])
            if boundary || camel {
                if index > segmentStart {
                    segments.append(String(decoding: (segmentStart..<index).map { Byte.lower(text[$0]) }, as: UTF8.self))
                }
                segmentStart = boundary ? index + 1 : index
            }
        }
        guard let last = segments.last else { return nil }
        let labelled = segments.contains(where: Self.labelSegments.contains)
        guard labelled else { return nil }
        // `token_count`, `key_id`, `password_policy`: the label must be the last segment or one before an
        // innocuous suffix such as `value`.
        if !Self.labelSegments.contains(last), !["value", "string", "str", "b64", "base64", "hex", "raw"].contains(last) { return nil }
        if segments.contains("aws") && segments.contains(where: { $0 == "secret" || $0 == "secretaccesskey" }) { return .awsSecret }
        if segments == ["secret", "access", "key"] || segments.contains("secretaccesskey") { return .awsSecret }
        if segments.contains(where: Self.passwordSegments.contains) { return .password }
        return .generic
    }

    /// The kind of secret a labelled value is, or nil if it does not look like one.
    private func classify(_ text: ScanBytes, _ value: Range<Int>, _ label: LabelKind) -> String? {
        var upper = false
        var lower = false
        var digit = false
        var symbol = false
        var spaces = 0
        for index in value {
            let byte = text[index]
            if Byte.isUpper(byte) {
                upper = true
            } else if Byte.isLower(byte) {
                lower = true
            } else if Byte.isDigit(byte) {
                digit = true
            } else if byte == UInt8(ascii: " ") {
                spaces += 1
            } else {
                symbol = true
            }
        }
        guard spaces == 0 else { return nil }
        let classes = [upper, lower, digit, symbol].filter { $0 }.count
        switch label {
        case .awsSecret:
            if value.count == 40, value.allSatisfy({ Byte.isBase64(text[$0]) }) { return "aws_secret_access_key" }
            return highEntropy(text, value, classes: classes, digit: digit) ? "high_entropy" : nil
        case .password:
            if value.count >= 12 || classes >= 2 { return "password" }
            return nil
        case .generic:
            return highEntropy(text, value, classes: classes, digit: digit) ? "high_entropy" : nil
        }
    }

    private func highEntropy(_ text: ScanBytes, _ value: Range<Int>, classes: Int, digit: Bool) -> Bool {
        guard value.count >= 16, digit, classes >= 2 else { return false }
        guard !text.matches("http", at: value.lowerBound), text[value.lowerBound] != UInt8(ascii: "/") else { return false }
        // `user:1234:profile:v2` is a structured name, not a random token.
        guard !value.contains(where: { text[$0] == UInt8(ascii: ":") }) else { return false }
        return Self.entropy(text, value) >= 3.0
    }

    /// The Shannon entropy of the bytes of `range`, in bits per byte.
    static func entropy(_ text: ScanBytes, _ range: Range<Int>) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for index in range { counts[Int(text[index])] += 1 }
        let total = Double(range.count)
        var entropy = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / total
            entropy -= p * log2(p)
        }
        return entropy
    }

    /// A reference to a value kept elsewhere (`${DB_PASSWORD}`, `$TOKEN`, `os.environ[...]`, `getenv(...)`,
    /// an unquoted CONSTANT_NAME or a call), not the value itself.
    static func isReference(_ text: ScanBytes, _ value: Range<Int>, quoted: Bool) -> Bool {
        let first = text[value.lowerBound]
        if first == UInt8(ascii: "$") || first == UInt8(ascii: "%") || first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
            || first == UInt8(ascii: "(") || first == UInt8(ascii: "@")
        {
            return true
        }
        for prefix: StaticString in ["os.", "env.", "process.env", "settings.", "config.", "self.", "this.", "vault:", "secret:", "ref:"]
        where text.matchesFolded(prefix, at: value.lowerBound) {
            return true
        }
        if value.contains(where: { text[$0] == UInt8(ascii: "(") }) { return true }
        if !quoted, value.allSatisfy({ Byte.isUpper(text[$0]) || text[$0] == UInt8(ascii: "_") || Byte.isDigit(text[$0]) }),
            value.contains(where: { text[$0] == UInt8(ascii: "_") })
        {
            return true
        }
        if !quoted, value.allSatisfy({ Byte.isLower(text[$0]) || text[$0] == UInt8(ascii: "_") || text[$0] == UInt8(ascii: ".") }) {
            return true
        }
        return false
    }

    /// Obvious placeholders: `<your-key>`, `xxxx`, `****`, `changeme`, `password`, anything with `EXAMPLE`,
    /// `your_`, `placeholder` or `redacted`.
    static func isPlaceholder(_ text: ScanBytes, _ value: Range<Int>) -> Bool {
        guard !value.isEmpty else { return true }
        if value.allSatisfy({
            [UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "*"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "#"), UInt8(ascii: "0")]
                .contains(text[$0])
        }) {
            return true
        }
        let first = text[value.lowerBound]
        if first == UInt8(ascii: "<") || first == UInt8(ascii: "[") || first == UInt8(ascii: "{") { return true }
        let lowered = String(decoding: value.map { Byte.lower(text[$0]) }, as: UTF8.self)
        let exact: Set<String> = [
            "password", "pass", "passwd", "pwd", "secret", "changeme", "change_me", "changeit", "mypassword", "yourpassword", "none",
            "null", "nil", "true", "false", "required", "redacted", "hidden", "example", "token", "apikey", "api_key", "test", "admin",
        ]
        if exact.contains(lowered) { return true }
        for marker in ["example", "your_", "your-", "yourkey", "placeholder", "redacted", "dummy", "sample", "xxxxx", "replace", "insert"]
        where lowered.contains(marker) {
            return true
        }
        return false
    }
}
