// Enclave: reading the `guardrails:` section.

import Yams

extension EnclaveConfiguration {
    /// The keys of `guardrails:`.
    static let guardrailKeys = ["default_policy", "policies"]
    /// The keys of one policy.
    static let guardPolicyKeys = [
        "name", "base", "redaction", "injection_threshold", "canary", "max_output_tokens", "documents", "detectors",
    ]

    static func readGuardrails(_ node: Node, into guardrails: inout GuardrailSettings, reader: ConfigurationReader) throws {
        let entries = try reader.mapping(node, at: "guardrails", allowed: guardrailKeys)
        if let value = entries["default_policy"] {
            guardrails.defaultPolicy = try reader.nonEmptyString(value, at: "guardrails.default_policy")
        }
        if let value = entries["policies"], !reader.isNull(value) {
            var names = Set<String>()
            for (index, element) in try reader.sequence(value, at: "guardrails.policies").enumerated() {
                let path = "guardrails.policies[\(index)]"
                let policy = try readGuardPolicy(element, at: path, reader: reader)
                guard names.insert(policy.name).inserted else {
                    throw reader.invalid(element, "\(path).name", "the policy '\(policy.name)' is declared twice")
                }
                guardrails.policies.append(policy)
            }
        }
    }

    private static func readGuardPolicy(_ node: Node, at path: String, reader: ConfigurationReader) throws -> DeclaredGuardPolicy {
        let entries = try reader.mapping(node, at: path, allowed: guardPolicyKeys)
        guard let nameNode = entries["name"] else { throw reader.invalid(node, "\(path).name", "a policy needs a name") }
        var policy = DeclaredGuardPolicy(name: try reader.nonEmptyString(nameNode, at: "\(path).name"), location: path)
        if let value = entries["base"] { policy.base = try reader.nonEmptyString(value, at: "\(path).base") }
        if let value = entries["redaction"] {
            policy.redaction = try reader.choice(value, at: "\(path).redaction", among: GuardrailSettings.redactionModes)
        }
        if let value = entries["injection_threshold"] {
            let text = try reader.string(value, at: "\(path).injection_threshold")
            guard let threshold = Double(text), threshold.isFinite, (0...1).contains(threshold) else {
                throw reader.invalid(value, "\(path).injection_threshold", "expected a score from 0 to 1, got '\(text)'")
            }
            policy.injectionThreshold = threshold
        }
        if let value = entries["canary"] {
            policy.canary = try reader.choice(value, at: "\(path).canary", among: ["true", "false"]) == "true"
        }
        if let value = entries["max_output_tokens"], !reader.isNull(value) {
            policy.maxOutputTokens = try reader.int(value, at: "\(path).max_output_tokens", in: 1...1_000_000)
        }
        if let value = entries["documents"] {
            policy.documents = try reader.choice(value, at: "\(path).documents", among: GuardrailSettings.documentActions)
        }
        if let value = entries["detectors"], !reader.isNull(value) {
            guard case .mapping(let mapping) = value else {
                throw reader.invalid(value, "\(path).detectors", "expected a mapping of detector names to actions")
            }
            for (key, rule) in mapping {
                let detector = try reader.nonEmptyString(key, at: "\(path).detectors")
                let rulePath = "\(path).detectors.\(detector)"
                policy.detectors.append(try readGuardRule(rule, detector: detector, at: rulePath, reader: reader))
            }
        }
        return policy
    }

    /// `redact` (both directions) or `{input: block, output: redact}`.
    private static func readGuardRule(_ node: Node, detector: String, at path: String, reader: ConfigurationReader) throws -> DeclaredGuardRule {
        if case .scalar = node {
            let action = try reader.choice(node, at: path, among: GuardrailSettings.actions)
            return DeclaredGuardRule(detector: detector, input: action, output: action, path: path)
        }
        let entries = try reader.mapping(node, at: path, allowed: ["input", "output"])
        let input = try entries["input"].map { try reader.choice($0, at: "\(path).input", among: GuardrailSettings.actions) }
        let output = try entries["output"].map { try reader.choice($0, at: "\(path).output", among: GuardrailSettings.actions) }
        return DeclaredGuardRule(detector: detector, input: input, output: output, path: path)
    }
}
