// Enclave guardrails: credentials: cloud and SaaS keys, private keys, JWTs, passwords.

/// Finds credentials, each reported as ``GuardEntity/secret`` with a ``GuardFinding/kind``:
/// - keys with published formats: `aws_access_key_id` (`AKIA`/`ASIA` + 16 of `A-Z2-7`), `github_token`
///   (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36; `github_pat_` + 82), `gitlab_token` (`glpat-` + 20 or
///   more), `slack_token` (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxe-` tokens and
///   `hooks.slack.com/services/...` webhook URLs), `stripe_key` (`sk_live_`, `rk_live_`, `sk_test_`,
///   `rk_test_`, `pk_live_`), `google_api_key` (`AIza` + 35), `openai_api_key` (`sk-proj-`, `sk-svcacct-`,
///   `sk-admin-`, legacy `sk-` + 48), `anthropic_api_key` (`sk-ant-`), `huggingface_token` (`hf_` + 34
///   letters), `npm_token` (`npm_` + 36) and `enclave_api_key` (`enc-` + 43 or more base64url characters,
///   Enclave's own keys);
/// - `private_key`: a PEM `-----BEGIN ... PRIVATE KEY-----` block through its END line (to the end of the
///   text if the block is cut);
/// - `jwt`: three base64url parts whose first decodes to a JSON header with `"alg"`;
/// - `connection_string`: the password of `scheme://user:password@host` for database, queue, mail, file
///   transfer and HTTP URLs (the finding covers the password only, so that a redacted URL still tells the
///   model which server is meant);
/// - labelled values (``SecretDetector+Labelled.swift``): `password` after a password label,
///   `aws_secret_access_key` (40 base64 characters after an AWS secret label) and `high_entropy` (16 or
///   more characters mixing letters and digits, Shannon entropy at least 3 bits per character) after a
///   word such as key, secret, token, password, credential or authorization followed by `:`, `=` or `is`.
///
/// AWS's documentation placeholders (`AKIAIOSFODNN7EXAMPLE`, keys containing `EXAMPLE`) and other obvious
/// placeholders (`<your-key>`, `${TOKEN}`, `xxxx`, `changeme`) are not reported: they are published and
/// appear in every tutorial.
public struct SecretDetector: ByteDetector {
    /// Creates the detector.
    public init() {}

    var reportedEntities: [GuardEntity] { [.secret] }

    /// The credentials in `text`.
    public func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        resolvedFindings(in: text, entities: entities)
    }

    /// A key format: a prefix and what follows it.
    struct KeyFormat: Sendable {
        let prefix: StaticString
        let kind: String
        let body: @Sendable (UInt8) -> Bool
        let lengths: ClosedRange<Int>
    }

    static let upperBase32: @Sendable (UInt8) -> Bool = { Byte.isUpper($0) || ($0 >= UInt8(ascii: "2") && $0 <= UInt8(ascii: "7")) }
    static let alnum: @Sendable (UInt8) -> Bool = { Byte.isAlnum($0) }
    static let word: @Sendable (UInt8) -> Bool = { Byte.isAlnum($0) || $0 == UInt8(ascii: "_") }
    static let base64URL: @Sendable (UInt8) -> Bool = { Byte.isBase64URL($0) }
    static let alpha: @Sendable (UInt8) -> Bool = { Byte.isAlpha($0) }

    /// The key formats, grouped by first byte for the scan.
    static let formats: [UInt8: [KeyFormat]] = {
        let all: [KeyFormat] = [
            KeyFormat(prefix: "AKIA", kind: "aws_access_key_id", body: upperBase32, lengths: 16...16),
            KeyFormat(prefix: "ASIA", kind: "aws_access_key_id", body: upperBase32, lengths: 16...16),
            KeyFormat(prefix: "AIza", kind: "google_api_key", body: base64URL, lengths: 35...35),
            KeyFormat(prefix: "ghp_", kind: "github_token", body: alnum, lengths: 36...36),
            KeyFormat(prefix: "gho_", kind: "github_token", body: alnum, lengths: 36...36),
            KeyFormat(prefix: "ghu_", kind: "github_token", body: alnum, lengths: 36...36),
            KeyFormat(prefix: "ghs_", kind: "github_token", body: alnum, lengths: 36...36),
            KeyFormat(prefix: "ghr_", kind: "github_token", body: alnum, lengths: 36...36),
            KeyFormat(prefix: "github_pat_", kind: "github_token", body: word, lengths: 60...100),
            KeyFormat(prefix: "glpat-", kind: "gitlab_token", body: base64URL, lengths: 20...64),
            KeyFormat(prefix: "xoxb-", kind: "slack_token", body: base64URL, lengths: 10...250),
            KeyFormat(prefix: "xoxp-", kind: "slack_token", body: base64URL, lengths: 10...250),
            KeyFormat(prefix: "xoxa-", kind: "slack_token", body: base64URL, lengths: 10...250),
            KeyFormat(prefix: "xoxr-", kind: "slack_token", body: base64URL, lengths: 10...250),
            KeyFormat(prefix: "xoxs-", kind: "slack_token", body: base64URL, lengths: 10...250),
            KeyFormat(prefix: "xoxe-", kind: "slack_token", body: base64URL, lengths: 10...250),
            KeyFormat(prefix: "sk_live_", kind: "stripe_key", body: alnum, lengths: 16...128),
            KeyFormat(prefix: "rk_live_", kind: "stripe_key", body: alnum, lengths: 16...128),
            KeyFormat(prefix: "sk_test_", kind: "stripe_key", body: alnum, lengths: 16...128),
            KeyFormat(prefix: "rk_test_", kind: "stripe_key", body: alnum, lengths: 16...128),
            KeyFormat(prefix: "pk_live_", kind: "stripe_key", body: alnum, lengths: 16...128),
            KeyFormat(prefix: "sk-ant-", kind: "anthropic_api_key", body: base64URL, lengths: 40...200),
            KeyFormat(prefix: "sk-proj-", kind: "openai_api_key", body: base64URL, lengths: 40...200),
            KeyFormat(prefix: "sk-svcacct-", kind: "openai_api_key", body: base64URL, lengths: 40...200),
            KeyFormat(prefix: "sk-admin-", kind: "openai_api_key", body: base64URL, lengths: 40...200),
            KeyFormat(prefix: "sk-", kind: "openai_api_key", body: alnum, lengths: 48...48),
            KeyFormat(prefix: "hf_", kind: "huggingface_token", body: alpha, lengths: 34...34),
            KeyFormat(prefix: "npm_", kind: "npm_token", body: alnum, lengths: 36...36),
            KeyFormat(prefix: "enc-", kind: "enclave_api_key", body: base64URL, lengths: 43...128),
        ]
        return Dictionary(grouping: all) { $0.prefix.utf8Start.pointee }
    }()

    func scan(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        var index = 0
        while index < text.count {
            let byte = text[index]
            var end: Int?
            if byte == UInt8(ascii: ":") {
                end = connectionPassword(text, colon: index, into: &findings)
            } else if byte == UInt8(ascii: "-") {
                end = privateKey(text, at: index, into: &findings)
            } else if Byte.isAlpha(byte), !Byte.isAlnum(text[index - 1]), text[index - 1] != UInt8(ascii: "_") {
                end = keyFormat(text, at: index, into: &findings)
                if end == nil, byte == UInt8(ascii: "e") { end = jwt(text, at: index, into: &findings) }
                if end == nil, byte == UInt8(ascii: "h") { end = slackWebhook(text, at: index, into: &findings) }
                if end == nil { end = labelledValue(text, at: index, into: &findings) }
            }
            index = max(index + 1, end ?? 0)
        }
    }

    /// A key of a published format at `index`; the end of the match.
    private func keyFormat(_ text: ScanBytes, at index: Int, into findings: inout [GuardFinding]) -> Int? {
        switch text[index] {
        case UInt8(ascii: "A"), UInt8(ascii: "g"), UInt8(ascii: "x"), UInt8(ascii: "s"), UInt8(ascii: "r"), UInt8(ascii: "p"),
            UInt8(ascii: "h"), UInt8(ascii: "n"), UInt8(ascii: "e"):
            break
        default: return nil
        }
        // Every prefix has `_` or `-` in its bytes 2-6, except the AWS and Google ones.
        var separated = false
        for offset in 2...6 where text[index + offset] == UInt8(ascii: "_") || text[index + offset] == UInt8(ascii: "-") { separated = true }
        guard separated || text.matches("AKIA", at: index) || text.matches("ASIA", at: index) || text.matches("AIza", at: index),
            let candidates = Self.formats[text[index]]
        else { return nil }
        for format in candidates where text.matches(format.prefix, at: index) {
            let bodyStart = index + format.prefix.utf8CodeUnitCount
            let end = text.runEnd(from: bodyStart, limit: format.lengths.upperBound + 1, while: format.body)
            guard format.lengths.contains(end - bodyStart), !Byte.isAlnum(text[end]) else { continue }
            if format.kind == "aws_access_key_id", text.matches("EXAMPLE", at: end - 7) { return end }
            findings.append(GuardFinding(entity: .secret, range: index..<end, kind: format.kind))
            return end
        }
        return nil
    }
}
