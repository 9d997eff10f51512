// Enclave server: the guardrails' check of documents at ingestion.

public import EnclaveGateway
public import EnclaveGuard
public import EnclaveKnowledge

/// Screens documents for secrets before they are chunked, as the default guardrail policy's `documents`
/// action says: `allow` stores them as written, `redact` masks each secret (`[SECRET_1]`), `refuse` fails
/// the document with a reason naming the detector (never the text). A secret in a collection would
/// otherwise reach the model in every answer that retrieves it.
public struct GuardrailDocumentScreen: DocumentScreen {
    /// What is done with a secret.
    public let action: DocumentAction
    /// The policy whose action it is (named in refusals).
    public let policyName: String
    /// The detectors.
    public let scanner: any SensitiveTextScanning

    /// Creates the screen of `policy` (its action from `book`).
    public init(policy: GuardPolicy, book: GuardPolicyBook, scanner: any SensitiveTextScanning) {
        self.action = book.documentAction(of: policy)
        self.policyName = policy.name
        self.scanner = scanner
    }

    public func screen(_ texts: [String]) throws(DocumentRefusal) -> [String] {
        let rule: GuardAction
        switch action {
        case .allow: return texts
        case .redact: rule = .redact
        case .refuse: rule = .block
        }
        let policy = GuardPolicy(
            name: policyName,
            rules: [.secret: GuardRule(input: rule, output: .allow)],
            redaction: .mask,
            injectionThreshold: 1,
            canary: false
        )
        var vault = PseudonymVault(mode: .mask)
        do {
            return try InputGuard(policy: policy, scanner: scanner).apply(to: texts, vault: &vault).texts
        } catch {
            throw DocumentRefusal(reason: "refused by the guardrail policy '\(policyName)': the \(error.detector) detector found a secret")
        }
    }
}

extension GuardrailService {
    /// The screen of documents at ingestion: the default policy's `documents` action on secrets.
    public var documentScreen: GuardrailDocumentScreen {
        GuardrailDocumentScreen(policy: book.defaultPolicy, book: book, scanner: scanner)
    }
}
