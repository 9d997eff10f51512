// Enclave guardrails: the policies every installation has.

extension GuardPolicy {
    /// The default of every model and assistant: nothing sensitive reaches the model, the user loses nothing.
    ///
    /// - Secrets are redacted on input and output (pseudonymised on input, so a key the user pasted comes
    ///   back in the answer where the model refers to it; a new secret the model writes is masked).
    /// - All PII is pseudonymised on input; e-mail addresses, phone numbers, cards, IBANs and SSNs the model
    ///   produces itself are masked on output (the user's own values, restored, are not).
    /// - Prompt injection scoring 0.8 or more blocks the request.
    /// - The canary is on: an answer repeating the system prompt ends with a violation.
    public static let standard: GuardPolicy = {
        var rules: [GuardEntity: GuardRule] = [:]
        for entity in GuardEntity.redactable { rules[entity] = GuardRule(input: .redact, output: .allow) }
        for entity in [GuardEntity.secret, .emailAddress, .phoneNumber, .creditCard, .iban, .usSSN] {
            rules[entity] = GuardRule(both: .redact)
        }
        rules[.promptInjection] = GuardRule(input: .block, output: .allow)
        return GuardPolicy(name: "standard", rules: rules, redaction: .pseudonymise, injectionThreshold: 0.8, canary: true)
    }()

    /// For assistants that must never handle credentials or card data: secrets and card numbers are refused
    /// on input and end the answer on output; every other PII is masked both ways (the values are gone, not
    /// restored); prompt injection blocks from a score of 0.6; the canary is on.
    public static let strict: GuardPolicy = {
        var rules: [GuardEntity: GuardRule] = [:]
        for entity in GuardEntity.redactable { rules[entity] = GuardRule(both: .redact) }
        rules[.secret] = GuardRule(both: .block)
        rules[.creditCard] = GuardRule(both: .block)
        rules[.promptInjection] = GuardRule(input: .block, output: .allow)
        return GuardPolicy(name: "strict", rules: rules, redaction: .mask, injectionThreshold: 0.6, canary: true)
    }()

    /// No checks at all: every text passes unchanged and unbuffered, no canary. For trusted batch jobs and
    /// for measuring what the guardrails cost.
    public static let off = GuardPolicy(name: "off", rules: [:], redaction: .mask, injectionThreshold: 1, canary: false)

    /// The built-in policies, by name.
    public static let builtIn: [String: GuardPolicy] = [
        standard.name: standard, strict.name: strict, off.name: off,
    ]

    /// The built-in policy called `name`.
    public static func builtIn(named name: String) throws(GuardPolicyError) -> GuardPolicy {
        guard let policy = builtIn[name] else { throw .unknown(name, known: builtIn.keys.sorted()) }
        return policy
    }
}
