// Enclave guardrails: the prompt-injection and jailbreak score of a whole text.

/// Scores how much a text tries to override the model's instructions, from 0 to 1. Signals:
/// instruction-override phrases ("ignore all previous instructions"), role-play and jailbreak prompts
/// ("developer mode", "do anything now"), requests for the system prompt ("repeat your instructions"),
/// chat-template delimiters in user text (`<|im_start|>system`, `<<SYS>>`, `### system:` at a line start,
/// `</s>`), zero-width characters hidden inside words, base64 blobs that decode to such phrases, and
/// override phrases in German, French, Spanish, Italian, Portuguese, Dutch, Russian, Chinese, Japanese and
/// Korean.
///
/// Each signal has a weight; the score is `1 - Π(1 - w)` over the distinct signals, so independent signals
/// add up. Evidence quoted on its line (`"ignore previous instructions"`) weighs 0.4 of a direct one, and a
/// text that discusses prompt injection ("what is a prompt injection", "for example", "how do I detect")
/// has its score multiplied by 0.5, so that questions about attacks stay under ``defaultThreshold``.
/// The finding's range covers the strongest evidence.
///
/// ```swift
/// if let finding = PromptInjectionDetector().score(text), finding.score >= PromptInjectionDetector.defaultThreshold { ... }
/// ```
public struct PromptInjectionDetector: ByteDetector {
    /// The score from which a text counts as an injection attempt when a policy names no threshold (and
    /// in `enclave eval guardrails`).
    public static let defaultThreshold = 0.8
    /// Scores below this are not reported as findings at all.
    public static let reportingFloor = 0.2

    /// Creates the detector.
    public init() {}

    var reportedEntities: [GuardEntity] { [.promptInjection] }

    /// The text's injection finding when its score reaches ``reportingFloor``.
    public func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        guard entities.contains(.promptInjection), let finding = score(text), finding.score >= Self.reportingFloor else { return [] }
        return [finding]
    }

    /// The text's score and strongest evidence; nil when no signal fires.
    public func score(_ text: String) -> GuardFinding? {
        ScanBytes.with(text) { score($0) }
    }

    func scan(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        if let finding = score(text), finding.score >= Self.reportingFloor { findings.append(finding) }
    }

    /// One piece of evidence.
    struct Signal {
        var weight: Double
        var range: Range<Int>
        var category: String
        var key: Int
    }

    static let phrases = PhraseMatcher(phraseDefinitions)
    static let discussion = PhraseMatcher(discussionDefinitions)

    /// Phrases of a text that talks about injections rather than performs one.
    static let discussionDefinitions: [(String, Double, String)] = [
        ("prompt|prompts ~1 injection|injections|injecting|hacking|attack|attacks|leak|leaking|extraction", 1, "topic"),
        (
            "jailbreak|jailbreaking|injection ~1 attack|attacks|attempt|attempts|prompt|prompts|technique|techniques|detection|example|examples|dataset",
            1, "topic"
        ),
        ("for example|instance", 1, "example"), ("e g", 1, "example"), ("such as", 1, "example"),
        ("phrases|phrase|strings|string|inputs|messages|texts|prompts|patterns|sentences ~2 like|such|containing|that", 1, "example"),
        ("how|ways ~4 detect|prevent|defend|mitigate|protect|block|filter|classify|recognize|recognise|handle|stop|spot|catch", 1, "defence"),
        ("is|was ~2 this|that|it ~2 injection|attack|jailbreak|malicious|safe", 1, "question"),
        ("what is|are|does a|an|the|this prompt|injection|jailbreak|jailbreaking|dan|jailbreaks|injections", 1, "question"),
        ("what is|are|does prompt|injection|jailbreak|jailbreaking|jailbreaks|injections", 1, "question"),
        (
            "explain|describe|define|discuss|summarize|classify|label|translate ~4 injection|injections|jailbreak|jailbreaks|attack|attacks|phrase|sentence|text",
            1, "question"
        ),
        ("attacker|attackers|adversary|adversarial|malicious ~2 users|user|inputs|input|prompts|actors", 1, "topic"),
        ("security|red ~1 team|teaming|researchers|research|paper|audit|training|awareness|test|tests|testing", 1, "topic"),
        ("classifier|detector|guardrail|guardrails|filter|regex|heuristic|heuristics", 1, "topic"),
        ("the phrase|sentence|words|string|text", 1, "example"),
        ("someone|somebody|user|users|people ~3 writes|wrote|types|typed|says|said|sends|sent|tries|tried|asks|asked", 1, "example"),
    ]

    func score(_ text: ScanBytes) -> GuardFinding? {
        let stream = WordStream(text)
        var signals: [Signal] = []
        for match in Self.phrases.matches(in: stream) {
            let pattern = Self.phrases.patterns[match.pattern]
            signals.append(Signal(weight: pattern.weight, range: match.range, category: pattern.category, key: match.pattern))
        }
        delimiterSignals(text, into: &signals)
        if stream.hasCJK { cjkSignals(text, into: &signals) }
        if stream.hiddenCharacters > 0 {
            signals.append(
                Signal(weight: stream.hiddenCharacters >= 3 ? 0.5 : 0.35, range: hiddenRange(text), category: "encoding", key: -10)
            )
        }
        encodedSignals(text, into: &signals)
        guard !signals.isEmpty else { return nil }

        // Quoted evidence weighs less; each pattern counts once (its strongest occurrence).
        var strongest: [Int: Signal] = [:]
        for var signal in signals {
            if isQuoted(text, signal.range) { signal.weight *= 0.4 }
            if let previous = strongest[signal.key], previous.weight >= signal.weight { continue }
            strongest[signal.key] = signal
        }
        var remaining = 1.0
        var best: Signal?
        for signal in strongest.values {
            remaining *= 1 - min(signal.weight, 0.99)
            if best == nil || signal.weight > best!.weight || signal.weight == best!.weight && signal.range.lowerBound < best!.range.lowerBound {
                best = signal
            }
        }
        var score = 1 - remaining
        let talk = Set(Self.discussion.matches(in: stream).map { Self.discussion.patterns[$0.pattern].category })
        if !talk.isEmpty { score *= talk.count >= 2 ? 0.4 : 0.5 }
        guard let best else { return nil }
        return GuardFinding(entity: .promptInjection, range: best.range, score: min(1, max(0, score)), kind: best.category)
    }
}
