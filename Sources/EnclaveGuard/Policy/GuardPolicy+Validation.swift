// Enclave guardrails: the checks a policy must pass before it is used.

extension GuardPolicy {
    /// Checks that the policy makes sense, and throws a ``GuardPolicyError`` naming the first field that does not:
    /// - the name is 1 to 64 of `a-z`, `0-9`, `-`, `_`;
    /// - every rule names a known entity (``GuardEntity/all``);
    /// - prompt injection is a score over the whole text, not a span: its input action cannot be
    ///   ``GuardAction/redact``, and it is judged on input only, so its output action must be
    ///   ``GuardAction/allow`` (a model's answer quoting an attack is not an attack on it);
    /// - the injection threshold is a finite number in 0...1;
    /// - the canary action is flag, redact or block when the canary is on;
    /// - the output cap, when set, is at least 1.
    public func validate() throws(GuardPolicyError) {
        let nameBytes = Array(name.utf8)
        let nameIsValid =
            (1...64).contains(nameBytes.count)
            && nameBytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F }
        guard nameIsValid else {
            throw .invalid(policy: name, field: "name", "must be 1 to 64 of a-z, 0-9, '-' and '_'")
        }
        let known = Set(GuardEntity.all)
        for entity in rules.keys.sorted() where !known.contains(entity) {
            throw .invalid(policy: name, field: "rules.\(entity)", "no detector has this name")
        }
        let injection = rule(for: .promptInjection)
        if injection.input == .redact {
            throw .invalid(policy: name, field: "rules.\(GuardEntity.promptInjection).input", "a score over the whole text cannot be redacted")
        }
        if injection.output != .allow {
            throw .invalid(
                policy: name,
                field: "rules.\(GuardEntity.promptInjection).output",
                "prompt injection is judged on input only; the output action must be allow"
            )
        }
        guard injectionThreshold.isFinite, (0...1).contains(injectionThreshold) else {
            throw .invalid(policy: name, field: "injectionThreshold", "must be a number from 0 to 1")
        }
        if canary && canaryAction == .allow {
            throw .invalid(policy: name, field: "canaryAction", "must be flag, redact or block when the canary is on")
        }
        if let cap = maxOutputTokens, cap < 1 {
            throw .invalid(policy: name, field: "maxOutputTokens", "must be at least 1")
        }
    }
}
