// Enclave guardrails tests: the secret detector, kind by kind.

import EnclaveGuard
import Testing

@Suite struct SecretDetectorTests {
    let detector = SecretDetector()

    static let body36 = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5"

    @Test(arguments: [
        ("key AKIAQWERTYUIOPASDF23 here", "aws_access_key_id", "AKIAQWERTYUIOPASDF23"),
        ("ASIAQWERTYUIOPASDF23", "aws_access_key_id", "ASIAQWERTYUIOPASDF23"),
        ("token ghp_\(body36)", "github_token", "ghp_\(body36)"),
        ("glpat-abcdefghij0123456789", "gitlab_token", "glpat-abcdefghij0123456789"),
        ("xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx", "slack_token", "xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx"),
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe_key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
        ("AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "google_api_key", "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
        ("enc-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ_-", "enclave_api_key", "enc-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ_-"),
        ("hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", "huggingface_token", "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH"),
    ])
    func findsPublishedFormats(text: String, kind: String, expected: String) {
        let findings = detector.findings(in: text, entities: [.secret])
        #expect(findings.map(\.kind) == [kind])
        #expect(detector.matches(.secret, in: text) == [expected])
    }

    @Test(arguments: [
        "AKIAIOSFODNN7EXAMPLE", "AKIA1234", "AKIAQWERTYUIOPASDF231", "xAKIAQWERTYUIOPASDF23", "ghp_short", "ghp_\(body36)x", "sk_live_",
        "pk_test_4eC39HqLyjWDarjtT1zdp7dc", "enc-short", "AIza-too-short",
    ])
    func ignoresPlaceholdersAndWrongLengths(text: String) {
        #expect(detector.findings(in: text, entities: [.secret]).isEmpty)
    }

    @Test func privateKeyBlockThroughItsEndLine() {
        let block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"
        #expect(detector.matches(.secret, in: "key:\n\(block)\nthanks") == [block])
        let cut = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA"
        #expect(detector.matches(.secret, in: "x \(cut)") == [cut])
        #expect(detector.matches(.secret, in: "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----").isEmpty)
        #expect(detector.secretKinds(in: block) == ["private_key"])
    }

    @Test func jwtNeedsAnAlgHeader() {
        let jwt =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        #expect(detector.matches(.secret, in: "Bearer \(jwt)") == [jwt])
        #expect(detector.secretKinds(in: jwt) == ["jwt"])
        // The header {"typ":"JWT"} has no alg.
        #expect(detector.matches(.secret, in: "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36P").isEmpty)
        #expect(detector.matches(.secret, in: "xxxxx.yyyyy.zzzzz").isEmpty)
    }

    @Test func connectionStringReportsThePasswordOnly() {
        #expect(detector.matches(.secret, in: "postgres://app:S3cr3tPw@db.internal:5432/orders") == ["S3cr3tPw"])
        #expect(detector.matches(.secret, in: "redis://:Zq81xLw0@cache:6379") == ["Zq81xLw0"])
        #expect(detector.matches(.secret, in: "mongodb+srv://svc:p%40ss@cluster0.example.net") == ["p%40ss"])
        #expect(detector.matches(.secret, in: "postgres://user:password@localhost/db").isEmpty)
        #expect(detector.matches(.secret, in: "mysql://root@localhost/test").isEmpty)
        #expect(detector.matches(.secret, in: "unknown://a:b@c").isEmpty)
    }

    @Test func slackWebhookURL() {
        let url = "https://hooks.slack.com/services/T0123ABCD/B0123ABCDEF/abcdefghijklmnopqrstuvwx"
        #expect(detector.matches(.secret, in: "post to \(url) please") == [url])
    }

    @Test func labelledValues() {
        #expect(detector.matches(.secret, in: "password: hunter2!") == ["hunter2!"])
        #expect(detector.matches(.secret, in: "the wifi password is blue42sky") == ["blue42sky"])
        #expect(detector.matches(.secret, in: #"{"api_key": "q8Zr2Lw9Xk3Vb7Nm5Tp1"}"#) == ["q8Zr2Lw9Xk3Vb7Nm5Tp1"])
        #expect(detector.secretKinds(in: "aws_secret_access_key = abcdEFGHijklMNOPqrstUVWXyz0123456789+/AB") == ["aws_secret_access_key"])
        #expect(detector.secretKinds(in: "SECRET_KEY='q8Zr2Lw9Xk3Vb7Nm5Tp1'") == ["high_entropy"])
        #expect(detector.matches(.secret, in: "Authorization: Bearer q8Zr2Lw9Xk3Vb7Nm5Tp1") == ["q8Zr2Lw9Xk3Vb7Nm5Tp1"])
    }

    @Test(arguments: [
        "password: required", "password = getpass()", "api_key = os.environ['KEY']", "DB_PASSWORD: ${DB_PASSWORD}", "password: ********",
        "api_key: <YOUR_API_KEY>", "token: your-token-here", "max_tokens: 4096", "key_id: 1234567890abcdef1234", "monkey = q8Zr2Lw9Xk3Vb7Nm5Tp1",
        "sort_key = created_at", "The key is to stay consistent", "request_id=9f86d081884c7d659a2feaa0c55ad015",
        "api_key = aaaaaaaaaaaaaaaaaaaa1", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ])
    func ignoresUnlabelledAndPlaceholderValues(text: String) {
        #expect(detector.findings(in: text, entities: [.secret]).isEmpty)
    }
}
