// Enclave guardrails: a named set of rules, the unit assistants and models refer to.

/// What the guardrails do for one assistant or model: an action per entity on input and on output, how
/// redaction works, the prompt-injection threshold, the system-prompt canary and an output cap.
///
/// An entity without a rule is allowed on both sides. Check a hand-made policy with ``validate()`` before
/// using it; the built-in ones (``standard``, ``strict``, ``off``) are valid. The configuration file's
/// shape for policies belongs to the configuration reader, so the type is not `Codable` itself.
///
/// ```swift
/// var policy = GuardPolicy.standard
/// policy.rules[.ipAddress] = GuardRule(both: .redact)
/// try policy.validate()
/// ```
public struct GuardPolicy: Sendable, Hashable {
    /// The policy's name, as configuration refers to it: lower-case letters, digits, `-` and `_`.
    public var name: String
    /// The action per entity and direction; missing entities are allowed.
    public var rules: [GuardEntity: GuardRule]
    /// What ``GuardAction/redact`` does with a value.
    public var redaction: RedactionMode
    /// The prompt-injection score (0 to 1) from which the ``GuardEntity/promptInjection`` input rule applies.
    public var injectionThreshold: Double
    /// Whether a ``GuardCanary`` is put in the system prompt and looked for in the answer.
    public var canary: Bool
    /// What a canary found in the answer does (``GuardAction/block`` unless changed).
    public var canaryAction: GuardAction
    /// The most tokens an answer may have under this policy (`max_tokens` is capped to it); `nil` for no cap.
    public var maxOutputTokens: Int?

    /// Creates a policy.
    public init(
        name: String,
        rules: [GuardEntity: GuardRule],
        redaction: RedactionMode = .pseudonymise,
        injectionThreshold: Double = 0.8,
        canary: Bool = true,
        canaryAction: GuardAction = .block,
        maxOutputTokens: Int? = nil
    ) {
        self.name = name
        self.rules = rules
        self.redaction = redaction
        self.injectionThreshold = injectionThreshold
        self.canary = canary
        self.canaryAction = canaryAction
        self.maxOutputTokens = maxOutputTokens
    }

    /// The rule for `entity`, ``GuardRule/allow`` when the policy has none.
    public func rule(for entity: GuardEntity) -> GuardRule { rules[entity] ?? .allow }

    /// The action for `entity` in `direction`.
    public func action(for entity: GuardEntity, _ direction: GuardDirection) -> GuardAction {
        rule(for: entity).action(for: direction)
    }

    /// The entities a scanner must look for in `direction`: those whose action is not ``GuardAction/allow``.
    public func checkedEntities(_ direction: GuardDirection) -> Set<GuardEntity> {
        Set(rules.filter { $0.value.action(for: direction) != .allow }.keys)
    }

    /// Whether anything at all is checked in the answer (rules or the canary): a stream under a policy
    /// that checks nothing passes through the ``StreamingGuard`` untouched and unbuffered.
    public var checksOutput: Bool {
        !checkedEntities(.output).isEmpty || (canary && canaryAction != .allow)
    }

    /// `requested` (a request's `max_tokens`) capped to ``maxOutputTokens``.
    public func cappedMaxTokens(_ requested: Int?) -> Int? {
        guard let cap = maxOutputTokens else { return requested }
        return min(requested ?? cap, cap)
    }
}
