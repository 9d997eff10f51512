// Enclave guardrails: the policies a server enforces, by name.

public import EnclaveCore

/// The guardrail policies of a server: the built-in `standard`, `strict` and `off`, the policies the
/// configuration declares (`guardrails.policies`), and which one applies when a model or an assistant names
/// none (`guardrails.default_policy`).
///
/// ```swift
/// let book = try GuardPolicyBook(settings: configuration.guardrails)
/// let policy = try book.policy(named: assistant.guardrailPolicy)
/// ```
public struct GuardPolicyBook: Sendable {
    /// Every policy, by name.
    public let policies: [String: GuardPolicy]
    /// The policy used when none is named.
    public let defaultPolicy: GuardPolicy
    /// What ingestion does with a document holding a secret, by policy name.
    public let documentActions: [String: DocumentAction]

    /// What each built-in policy does with documents holding secrets.
    public static let builtInDocumentActions: [String: DocumentAction] = ["standard": .redact, "strict": .refuse, "off": .allow]

    /// Builds and checks the policies of `settings`.
    /// - Throws: ``GuardPolicyError`` naming the policy and the setting at fault (an unknown base or
    ///   detector, an impossible rule, an unknown default).
    public init(settings: GuardrailSettings = .init()) throws(GuardPolicyError) {
        var policies = GuardPolicy.builtIn
        var documents = Self.builtInDocumentActions
        for declared in settings.policies {
            guard GuardPolicy.builtIn[declared.name] == nil else {
                throw .invalid(policy: declared.name, field: "name", "the name of a built-in policy cannot be redeclared")
            }
            let base = try GuardPolicy.builtIn(named: declared.base ?? "standard")
            policies[declared.name] = try Self.policy(declared, base: base)
            documents[declared.name] = declared.documents.flatMap(DocumentAction.init(rawValue:)) ?? documents[base.name] ?? .redact
        }
        guard let fallback = policies[settings.defaultPolicy] else {
            throw .unknown(settings.defaultPolicy, known: policies.keys.sorted())
        }
        self.policies = policies
        self.defaultPolicy = fallback
        self.documentActions = documents
    }

    /// The policy called `name`, or the default one for `nil`.
    /// - Throws: ``GuardPolicyError`` `unknown` for a name no policy has.
    public func policy(named name: String?) throws(GuardPolicyError) -> GuardPolicy {
        guard let name else { return defaultPolicy }
        guard let policy = policies[name] else { throw .unknown(name, known: policies.keys.sorted()) }
        return policy
    }

    /// What ingestion does with a document holding a secret under `policy`.
    public func documentAction(of policy: GuardPolicy) -> DocumentAction {
        documentActions[policy.name] ?? .redact
    }

    /// The declaration applied over its base policy, checked.
    static func policy(_ declared: DeclaredGuardPolicy, base: GuardPolicy) throws(GuardPolicyError) -> GuardPolicy {
        var policy = base
        policy.name = declared.name
        if let name = declared.redaction {
            guard let mode = RedactionMode(rawValue: name) else {
                throw .invalid(policy: declared.name, field: "redaction", "expected mask or pseudonymise, got '\(name)'")
            }
            policy.redaction = mode
        }
        if let threshold = declared.injectionThreshold { policy.injectionThreshold = threshold }
        if let canary = declared.canary { policy.canary = canary }
        if let cap = declared.maxOutputTokens { policy.maxOutputTokens = cap }
        let known = Set(GuardEntity.all.map(\.rawValue))
        for rule in declared.detectors {
            guard known.contains(rule.detector) else {
                throw .invalid(
                    policy: declared.name,
                    field: rule.path,
                    "no detector is called '\(rule.detector)' (known: \(known.sorted().joined(separator: ", ")))"
                )
            }
            let entity = GuardEntity(rawValue: rule.detector)
            var current = policy.rule(for: entity)
            if let name = rule.input {
                guard let action = GuardAction(rawValue: name) else {
                    throw .invalid(policy: declared.name, field: "\(rule.path).input", "unknown action '\(name)'")
                }
                current.input = action
            }
            if let name = rule.output {
                guard let action = GuardAction(rawValue: name) else {
                    throw .invalid(policy: declared.name, field: "\(rule.path).output", "unknown action '\(name)'")
                }
                current.output = action
            }
            policy.rules[entity] = current
        }
        try policy.validate()
        return policy
    }
}
