// Enclave guardrails: the secrets with structure: private key blocks, JWTs, URL passwords, Slack webhooks.

extension SecretDetector {
    /// URL schemes whose `user:password@` part is a credential.
    static let credentialSchemes: Set<String> = [
        "postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps", "mssql",
        "sqlserver", "oracle", "cockroachdb", "clickhouse", "cassandra", "couchdb", "neo4j", "neo4j+s", "bolt", "kafka", "nats",
        "memcached", "elasticsearch", "ftp", "ftps", "sftp", "ssh", "smtp", "smtps", "imap", "imaps", "pop3", "ldap", "ldaps",
        "http", "https", "ws", "wss", "git", "svn", "rtsp", "snowflake", "db2", "jdbc",
    ]

    /// At the `:` of `scheme://user:password@host`: reports the password; the end of the URL's authority.
    func connectionPassword(_ text: ScanBytes, colon: Int, into findings: inout [GuardFinding]) -> Int? {
        guard text[colon + 1] == UInt8(ascii: "/"), text[colon + 2] == UInt8(ascii: "/") else { return nil }
        let schemeStart = text.runStart(before: colon, limit: 16) { Byte.isAlnum($0) || $0 == UInt8(ascii: "+") }
        guard schemeStart < colon else { return nil }
        let scheme = String(decoding: (schemeStart..<colon).map { Byte.lower(text[$0]) }, as: UTF8.self)
        guard Self.credentialSchemes.contains(scheme) else { return nil }
        let authorityStart = colon + 3
        let authorityEnd = text.runEnd(from: authorityStart, limit: 512) { byte in
            !(Byte.isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
                || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "?")
                || byte == UInt8(ascii: "#") || byte == 0)
        }
        var at: Int?
        for position in authorityStart..<authorityEnd where text[position] == UInt8(ascii: "@") { at = position }
        guard let at, at + 1 < authorityEnd, Byte.isAlnum(text[at + 1]) || text[at + 1] == UInt8(ascii: "[") else { return nil }
        var separator: Int?
        for position in authorityStart..<at where text[position] == UInt8(ascii: ":") {
            separator = position
            break
        }
        guard let separator, separator + 1 < at else { return authorityEnd }
        let password = separator + 1..<at
        if !Self.isPlaceholder(text, password) {
            findings.append(GuardFinding(entity: .secret, range: password, kind: "connection_string"))
        }
        return authorityEnd
    }

    /// At `-----BEGIN ... PRIVATE KEY-----`: reports the block through its END line, or to the end of the text.
    func privateKey(_ text: ScanBytes, at index: Int, into findings: inout [GuardFinding]) -> Int? {
        guard text.matches("-----BEGIN ", at: index) else { return nil }
        let headerStart = index + 11
        let headerEnd = text.runEnd(from: headerStart, limit: 64) { Byte.isUpper($0) || $0 == UInt8(ascii: " ") || Byte.isDigit($0) }
        guard text.matches("-----", at: headerEnd), headerEnd - headerStart >= 11,
            text.matches("PRIVATE KEY", at: headerEnd - 11)
                || text.matches("PRIVATE KEY BLOCK", at: headerEnd - 17)
        else { return nil }
        var cursor = headerEnd + 5
        var end = text.count
        while cursor < text.count {
            if text[cursor] == UInt8(ascii: "-"), text.matches("-----END ", at: cursor) {
                let footerEnd = text.runEnd(from: cursor + 9, limit: 64) { Byte.isUpper($0) || $0 == UInt8(ascii: " ") || Byte.isDigit($0) }
                end = text.matches("-----", at: footerEnd) ? footerEnd + 5 : footerEnd
                break
            }
            cursor += 1
        }
        findings.append(GuardFinding(entity: .secret, range: index..<end, kind: "private_key"))
        return end
    }

    /// At `eyJ`: a JWT whose header decodes to JSON with `"alg"`.
    func jwt(_ text: ScanBytes, at index: Int, into findings: inout [GuardFinding]) -> Int? {
        guard text.matches("eyJ", at: index) else { return nil }
        let headerEnd = text.runEnd(from: index, limit: 2048, while: Byte.isBase64URL)
        guard headerEnd - index >= 12, text[headerEnd] == UInt8(ascii: ".") else { return nil }
        let payloadEnd = text.runEnd(from: headerEnd + 1, limit: 8192, while: Byte.isBase64URL)
        guard payloadEnd - headerEnd - 1 >= 8, text[payloadEnd] == UInt8(ascii: ".") else { return nil }
        let signatureEnd = text.runEnd(from: payloadEnd + 1, limit: 2048, while: Byte.isBase64URL)
        guard !Byte.isAlnum(text[signatureEnd]) else { return nil }
        let header = Base64URL.decode(text, index..<headerEnd)
        guard let header, Self.contains(header, "\"alg\"") else { return nil }
        let signatureLength = signatureEnd - payloadEnd - 1
        guard signatureLength >= 16 || (signatureLength == 0 && Self.contains(header, "none")) else { return nil }
        findings.append(GuardFinding(entity: .secret, range: index..<signatureEnd, kind: "jwt"))
        return signatureEnd
    }

    /// At `hooks.slack.com/services/`: the webhook URL (with its `https://` when present).
    func slackWebhook(_ text: ScanBytes, at index: Int, into findings: inout [GuardFinding]) -> Int? {
        guard text.matches("hooks.slack.com/services/", at: index) else { return nil }
        let pathEnd = text.runEnd(from: index + 25, limit: 128) { Byte.isAlnum($0) || $0 == UInt8(ascii: "/") }
        guard pathEnd - index - 25 >= 20 else { return nil }
        let start = text.matches("https://", at: index - 8) ? index - 8 : index
        findings.append(GuardFinding(entity: .secret, range: start..<pathEnd, kind: "slack_token"))
        return pathEnd
    }

    static func contains(_ bytes: [UInt8], _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let pointer = needle.utf8Start
        outer: for start in 0...(bytes.count - count) {
            for offset in 0..<count where bytes[start + offset] != pointer[offset] { continue outer }
            return true
        }
        return false
    }
}
