// Enclave guardrails: the pseudo-entity a leaked canary is reported as.

extension GuardEntity {
    /// The request's canary (``GuardCanary``) found in the answer: the model is repeating its system prompt.
    /// Not a detector of the scanner; the ``StreamingGuard`` finds it, and ``GuardPolicy/canaryAction`` says
    /// what to do.
    public static let systemPromptLeak = GuardEntity(rawValue: "SYSTEM_PROMPT_LEAK")
}
