// Enclave guardrails: the output filter of one streamed answer, a pure state machine.

/// Filters a model's answer as it streams: masks what the policy redacts on output, puts the user's values
/// back in place of the vault's placeholders (pseudonymise mode), finds the canary, and ends the answer
/// with a violation where the policy blocks. Feed it the text chunks as they come; send what it emits.
///
/// Only text that could still become a match is held back (the ``Holdback`` rule: the trailing run of
/// match characters, digit groups, a placeholder being written, an open private key block, capitalised
/// words when names or addresses are checked), so an answer
/// is delayed by about one token and a secret split across chunks never leaves, even in part. Each chunk
/// costs a scan of the released text and a small look-behind only, never of the whole answer.
///
/// The invariant, tested for every split of a text: the concatenated emissions equal ``filterWhole(_:)``
/// of the whole text, and every emitted prefix is a prefix of it. It holds for detectors whose matches are
/// made of the held runs and need no more context than the look-behind; within the bounds below.
///
/// Bounds (``Configuration``): a run is held for at most ``Configuration/holdbackLimit`` bytes; beyond
/// that its oldest bytes are filtered and sent, and a match that reaches that cut is redacted whole together
/// with the rest of its run (fail closed: the remainder is dropped). An open private key block is held for
/// at most ``Configuration/blockLimit`` bytes; beyond that the answer ends with a violation.
///
/// ```swift
/// var stream = StreamingGuard(policy: policy, scanner: scanner, vault: vault, canary: canary)
/// for await chunk in tokens {
///     let emission = stream.feed(chunk)
///     send(emission.text)
///     if let violation = emission.violation { fail(violation); break }
/// }
/// send(stream.finish().text)
/// ```
public struct StreamingGuard: Sendable {
    /// The filter's bounds.
    public struct Configuration: Sendable, Hashable {
        /// The most bytes of a run held back (rules 1 to 3 of ``Holdback``).
        public var holdbackLimit: Int
        /// The most bytes of an open private key block held back.
        public var blockLimit: Int
        /// Bytes of already-sent text scanned again with new text, so that detectors that depend on a
        /// label (`password:`, `date of birth`) see it.
        public var lookBehind: Int

        /// Creates a configuration.
        public init(holdbackLimit: Int = 256, blockLimit: Int = 8192, lookBehind: Int = 128) {
            self.holdbackLimit = max(holdbackLimit, PlaceholderSyntax.maximumLength)
            self.blockLimit = max(blockLimit, self.holdbackLimit)
            self.lookBehind = max(lookBehind, 0)
        }
    }

    /// What to send now.
    public struct Emission: Sendable, Hashable {
        /// Text safe to send (possibly empty).
        public var text: String
        /// Set when the answer must end here, after ``text``: every later call returns it again.
        public var violation: GuardViolation?

        /// Creates an emission.
        public init(text: String, violation: GuardViolation? = nil) {
            self.text = text
            self.violation = violation
        }
    }

    let policy: GuardPolicy
    let scanner: any SensitiveTextScanning
    let canary: GuardCanary?
    let configuration: Configuration
    let entities: Set<GuardEntity>
    let passThrough: Bool
    let holdsPlaceholders: Bool
    let holdsBlocks: Bool
    let holdsWords: Bool

    /// The request's placeholders, with those masked in the answer so far.
    public internal(set) var vault: PseudonymVault
    /// What was done so far, counted (no text).
    public internal(set) var events: [GuardEvent] = []
    /// The bytes received and not sent.
    var pending: [UInt8] = []
    /// The end of the raw text already sent, at most ``Configuration/lookBehind`` bytes.
    var behind: [UInt8] = []
    /// Dropping the rest of a run whose match was redacted at a forced cut.
    var swallowing = false
    /// The violation that ended the answer.
    var violation: GuardViolation?
    /// The most bytes held at once so far.
    public internal(set) var maximumHeld = 0

    /// Creates the filter of one answer: `vault` is the request's (after its ``InputGuard``), `canary` the
    /// marker put in its system prompt, if any.
    public init(
        policy: GuardPolicy,
        scanner: any SensitiveTextScanning,
        vault: PseudonymVault,
        canary: GuardCanary? = nil,
        configuration: Configuration = .init()
    ) {
        self.policy = policy
        self.scanner = scanner
        self.vault = vault
        self.canary = policy.canary && policy.canaryAction != .allow ? canary : nil
        self.configuration = configuration
        entities = policy.checkedEntities(.output).subtracting([.promptInjection])
        holdsPlaceholders = vault.hasRestorableValues
        holdsBlocks = entities.contains(.secret)
        holdsWords = !entities.isDisjoint(with: [.person, .postalAddress])
        passThrough = entities.isEmpty && self.canary == nil && !holdsPlaceholders
    }

    /// The bytes held back now.
    public var heldByteCount: Int { pending.count }

    /// Takes the next chunk of the answer and returns what can be sent now.
    public mutating func feed(_ chunk: String) -> Emission {
        if let violation { return Emission(text: "", violation: violation) }
        if passThrough { return Emission(text: chunk) }
        pending.append(contentsOf: chunk.utf8)
        if swallowing { dropSwallowedRun() }
        let emission = release(final: false)
        maximumHeld = max(maximumHeld, pending.count)
        return emission
    }

    /// Ends the answer: filters and returns all that is held.
    public mutating func finish() -> Emission {
        if let violation { return Emission(text: "", violation: violation) }
        if passThrough { return Emission(text: "") }
        return release(final: true)
    }

    /// Filters a whole answer at once, as a non-streaming response does: the reference the stream must match.
    public mutating func filterWhole(_ text: String) -> Emission {
        if let violation { return Emission(text: "", violation: violation) }
        if passThrough { return Emission(text: text) }
        let bytes = Array(text.utf8)
        let findings = scan(bytes, text: text)
        let outcome = SpanRedactor(policy: policy, direction: .output)
            .apply(bytes, 0..<bytes.count, findings: findings, vault: &vault, events: &events)
        violation = outcome.violation
        return Emission(text: String(decoding: outcome.bytes, as: UTF8.self), violation: outcome.violation)
    }

    /// The findings of the scanner and the canary in `bytes`, normalized.
    func scan(_ bytes: [UInt8], text: String) -> [GuardFinding] {
        var findings = entities.isEmpty ? [] : scanner.findings(in: text, entities: entities)
        if let canary { findings += canary.leaks(in: bytes) }
        return findings.isEmpty ? [] : FindingSet.normalized(findings, in: bytes)
    }
}
