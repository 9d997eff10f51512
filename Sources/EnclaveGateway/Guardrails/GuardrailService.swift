// Enclave gateway: the guardrails of the request path.

public import EnclaveCore
public import EnclaveGuard

/// Applies the guardrail policies to requests: which policy a request is under (its assistant's, else the
/// default), the input filter on the client's messages before retrieval and the chat template, the canary
/// of an assistant's system prompt, and the output filter of the answer.
///
/// ```swift
/// let policy = try guardrails.policy(for: assistant)
/// let guarded = try guardrails.filter(conversation, policy: policy)   // GuardViolation: 400
/// var answer = guardrails.answerFilter(for: guarded)                    // feed it the stream
/// ```
///
/// It holds no text beyond one request's: the pseudonym vault lives in the request's
/// ``GuardedConversation`` and dies with it.
public struct GuardrailService: Sendable {
    /// The policies by name and the default.
    public let book: GuardPolicyBook
    /// The detectors.
    public let scanner: any SensitiveTextScanning

    /// Creates the service.
    public init(book: GuardPolicyBook, scanner: any SensitiveTextScanning) {
        self.book = book
        self.scanner = scanner
    }

    /// The policy a request is under: its assistant's `guardrail_policy`, or the default policy.
    /// - Throws: ``GuardPolicyError`` `unknown` when the assistant names a policy the server does not have.
    public func policy(for assistant: Assistant?) throws(GuardPolicyError) -> GuardPolicy {
        try book.policy(named: assistant?.guardrailPolicy)
    }

    /// Filters the texts of a conversation with the policy's input rules.
    /// - Throws: ``GuardViolation`` when a rule blocks (its message names the detector, never the text).
    public func filter(_ conversation: [ChatTurn], policy: GuardPolicy) throws(GuardViolation) -> GuardedConversation {
        var vault = PseudonymVault(mode: policy.redaction)
        let result = try InputGuard(policy: policy, scanner: scanner).apply(to: conversation.map(\.content), vault: &vault)
        var turns = conversation
        for index in turns.indices { turns[index].content = result.texts[index] }
        return GuardedConversation(policy: policy, turns: turns, vault: vault, events: result.events)
    }

    /// Filters a raw prompt (`/v1/completions`) with the policy's input rules.
    /// - Throws: ``GuardViolation`` when a rule blocks.
    public func filter(prompts: [String], policy: GuardPolicy) throws(GuardViolation) -> GuardedPrompts {
        var vault = PseudonymVault(mode: policy.redaction)
        let result = try InputGuard(policy: policy, scanner: scanner).apply(to: prompts, vault: &vault)
        return GuardedPrompts(policy: policy, prompts: result.texts, vault: vault, events: result.events)
    }

    /// The output filter of one answer of a filtered request.
    public func answerFilter(policy: GuardPolicy, vault: PseudonymVault, canary: GuardCanary?) -> StreamingGuard {
        StreamingGuard(policy: policy, scanner: scanner, vault: vault, canary: canary)
    }

    /// Puts the canary's line at the start of the system prompt of an assistant's turns (the first system
    /// turn, made by the assistant pipeline), when the policy sets a canary. Without a system turn there is nothing to
    /// leak, and no canary.
    public func addCanary(to turns: inout [ChatTurn], policy: GuardPolicy) -> GuardCanary? {
        guard policy.canary, policy.canaryAction != .allow, let index = turns.firstIndex(where: { $0.role == "system" }) else {
            return nil
        }
        let canary = GuardCanary()
        // First: a model that repeats its instructions writes the marker before anything else of them.
        turns[index].content = canary.systemPromptLine + "\n\n" + turns[index].content
        return canary
    }
}
