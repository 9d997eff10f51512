// Enclave: the guardrail policies a configuration declares (`guardrails:`).

/// The guardrail policies (`guardrails:`): which policy applies to a model or assistant that names none,
/// and the policies the file declares beside the built-in `standard`, `strict` and `off`.
///
/// ```yaml
/// guardrails:
///   default_policy: standard
///   policies:
///     - name: support
///       base: standard              # the built-in policy it starts from
///       redaction: mask             # or pseudonymise
///       injection_threshold: 0.7
///       canary: true
///       max_output_tokens: 1024
///       documents: refuse           # what ingestion does with a document holding a secret: allow, redact, refuse
///       detectors:
///         EMAIL_ADDRESS: redact     # both directions
///         SECRET: {input: block, output: redact}
/// ```
///
/// Detector names are checked when the server builds the policies (EnclaveGuard knows them); action and
/// mode names are checked here.
public struct GuardrailSettings: Sendable, Hashable {
    /// The policy of every model and assistant that names none (`guardrails.default_policy`).
    public var defaultPolicy: String
    /// The declared policies, in file order.
    public var policies: [DeclaredGuardPolicy]

    /// The actions a detector rule may name.
    public static let actions = ["allow", "flag", "redact", "block"]
    /// The redaction modes.
    public static let redactionModes = ["mask", "pseudonymise"]
    /// What ingestion may do with a document that holds a secret.
    public static let documentActions = ["allow", "redact", "refuse"]

    /// Creates settings: the built-in `standard` policy for everything, no declared policies.
    public init(defaultPolicy: String = "standard", policies: [DeclaredGuardPolicy] = []) {
        self.defaultPolicy = defaultPolicy
        self.policies = policies
    }
}

/// One policy of `guardrails.policies`: a built-in policy with some settings changed.
public struct DeclaredGuardPolicy: Sendable, Hashable {
    /// The policy's name, used by `guardrail_policy` of assistants and by `default_policy`.
    public var name: String
    /// The built-in policy it starts from (`standard` when absent).
    public var base: String?
    /// `mask` or `pseudonymise`, if changed.
    public var redaction: String?
    /// The prompt-injection score at and above which the injection rule applies, if changed.
    public var injectionThreshold: Double?
    /// Whether a canary goes into the system prompt, if changed.
    public var canary: Bool?
    /// The most tokens an answer may have under this policy, if set.
    public var maxOutputTokens: Int?
    /// What ingestion does with a document holding a secret (`allow`, `redact`, `refuse`), if changed.
    public var documents: String?
    /// Rules by detector name, in file order.
    public var detectors: [DeclaredGuardRule]
    /// Where the policy is declared, for errors.
    public var location: String

    /// Creates a declaration that changes nothing of `standard`.
    public init(
        name: String,
        base: String? = nil,
        redaction: String? = nil,
        injectionThreshold: Double? = nil,
        canary: Bool? = nil,
        maxOutputTokens: Int? = nil,
        documents: String? = nil,
        detectors: [DeclaredGuardRule] = [],
        location: String = ""
    ) {
        self.name = name
        self.base = base
        self.redaction = redaction
        self.injectionThreshold = injectionThreshold
        self.canary = canary
        self.maxOutputTokens = maxOutputTokens
        self.documents = documents
        self.detectors = detectors
        self.location = location
    }
}

/// One detector's rule in a declared policy: the action on the input and on the output (`nil`: the base
/// policy's).
public struct DeclaredGuardRule: Sendable, Hashable {
    /// The detector's name, such as `SECRET`.
    public var detector: String
    /// The action on what the client sends.
    public var input: String?
    /// The action on what the model answers.
    public var output: String?
    /// Where the rule is written (`guardrails.policies[0].detectors.SECRET`), for errors.
    public var path: String

    /// Creates a rule.
    public init(detector: String, input: String?, output: String?, path: String) {
        self.detector = detector
        self.input = input
        self.output = output
        self.path = path
    }
}
