// Enclave gateway: a conversation after the input guardrails.

public import EnclaveCore
public import EnclaveGuard

/// A conversation after its policy's input rules: the turns to send to the model, the request's pseudonym
/// vault (the values replaced by placeholders, restored in the answer when the policy pseudonymises), and
/// what was done, counted (never the text).
public struct GuardedConversation: Sendable {
    /// The policy applied.
    public var policy: GuardPolicy
    /// The turns, redacted.
    public var turns: [ChatTurn]
    /// The request's placeholders.
    public var vault: PseudonymVault
    /// The actions taken on the input.
    public var events: [GuardEvent]

    /// Creates a filtered conversation.
    public init(policy: GuardPolicy, turns: [ChatTurn], vault: PseudonymVault, events: [GuardEvent]) {
        self.policy = policy
        self.turns = turns
        self.vault = vault
        self.events = events
    }
}

/// The prompts of a `/v1/completions` request after its policy's input rules.
public struct GuardedPrompts: Sendable {
    /// The policy applied.
    public var policy: GuardPolicy
    /// The prompts, redacted, in the request's order.
    public var prompts: [String]
    /// The request's placeholders.
    public var vault: PseudonymVault
    /// The actions taken on the input.
    public var events: [GuardEvent]

    /// Creates filtered prompts.
    public init(policy: GuardPolicy, prompts: [String], vault: PseudonymVault, events: [GuardEvent]) {
        self.policy = policy
        self.prompts = prompts
        self.vault = vault
        self.events = events
    }
}
