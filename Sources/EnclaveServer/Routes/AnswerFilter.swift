// Enclave server: an answer passing through its output guardrails, with its log probabilities.

import EnclaveCore
import EnclaveGuard

/// One answer through the ``StreamingGuard`` of its request: each delta goes in, what is safe comes out.
///
/// Log probabilities carry the tokens' text, so they are held with it: a token's entry is released once
/// all the text fed with it has been released, and the entries released together with a redaction are
/// left out, so a redacted value never reaches the client through `logprobs` either.
struct AnswerFilter {
    /// What to send now.
    struct Release {
        var text: String
        var logprobs: [TokenLogprob]
        /// Set when a rule ended the answer here.
        var violation: GuardViolation?
    }

    private var guardrail: StreamingGuard?
    /// Entries waiting for their text, with the raw byte offset their text ends at.
    private var waiting: [(end: Int, logprob: TokenLogprob)] = []
    private var fed = 0

    /// A filter that applies `guardrail`; `nil` passes everything through.
    init(_ guardrail: StreamingGuard?) {
        self.guardrail = guardrail
    }

    /// What the output rules did so far, counted.
    var events: [GuardEvent] { guardrail?.events ?? [] }

    /// Takes the next delta.
    mutating func feed(_ text: String, _ logprobs: [TokenLogprob]) -> Release {
        guard var guardrail else { return Release(text: text, logprobs: logprobs) }
        fed += text.utf8.count
        for logprob in logprobs { waiting.append((fed, logprob)) }
        let before = guardrail.events.count
        let emission = guardrail.feed(text)
        self.guardrail = guardrail
        return release(emission, redacted: guardrail.events.count != before, final: false)
    }

    /// Ends the answer: everything held is filtered and released.
    mutating func finish() -> Release {
        guard var guardrail else { return Release(text: "", logprobs: []) }
        let before = guardrail.events.count
        let emission = guardrail.finish()
        self.guardrail = guardrail
        return release(emission, redacted: guardrail.events.count != before, final: true)
    }

    private mutating func release(_ emission: StreamingGuard.Emission, redacted: Bool, final: Bool) -> Release {
        let released = final ? fed : fed - (guardrail?.heldByteCount ?? 0)
        var ready: [TokenLogprob] = []
        while let first = waiting.first, first.end <= released {
            ready.append(first.logprob)
            waiting.removeFirst()
        }
        if emission.violation != nil { waiting.removeAll() }
        return Release(text: emission.text, logprobs: redacted || emission.violation != nil ? [] : ready, violation: emission.violation)
    }
}
