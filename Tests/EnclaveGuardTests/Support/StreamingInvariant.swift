// Enclave guardrails tests: the stream filter's invariant, checkable with any scanner.

import EnclaveGuard

/// Checks a ``StreamingGuard`` against its one-shot reference for one way of cutting a text into chunks:
/// the concatenated emissions equal ``StreamingGuard/filterWhole(_:)``, every emitted prefix is a prefix
/// of that, both end with the same violation (or none), and no value in `forbidden` appears in what was sent.
///
/// Generic over the scanner, so the same checks run with the real detectors.
struct StreamingInvariant {
    var policy: GuardPolicy
    var scanner: any SensitiveTextScanning
    var vault: PseudonymVault
    var canary: GuardCanary?
    var configuration = StreamingGuard.Configuration()

    /// The one-shot result of `text`.
    func reference(_ text: String) -> (text: [UInt8], violation: GuardViolation?, events: [GuardEvent]) {
        var whole = StreamingGuard(policy: policy, scanner: scanner, vault: vault, canary: canary, configuration: configuration)
        let emission = whole.filterWhole(text)
        return (Array(emission.text.utf8), emission.violation, whole.events)
    }

    /// The failures (empty when the invariant holds) of streaming `chunks`.
    func failures(_ chunks: [String], forbidden: [String] = []) -> [String] {
        let text = chunks.joined()
        let expected = reference(text)
        var stream = StreamingGuard(policy: policy, scanner: scanner, vault: vault, canary: canary, configuration: configuration)
        var sent: [UInt8] = []
        var violation: GuardViolation?
        var failures: [String] = []
        for chunk in chunks + [nil] as [String?] {
            let emission = chunk.map { stream.feed($0) } ?? stream.finish()
            sent += emission.text.utf8
            if !expected.text.starts(with: sent) {
                failures.append("sent text is not a prefix of the one-shot result after chunk \(chunk.debugDescription)")
                break
            }
            if let v = emission.violation {
                violation = v
                break
            }
        }
        let shown = String(decoding: sent, as: UTF8.self)
        if failures.isEmpty && sent != expected.text {
            failures.append("stream \(shown.debugDescription) != one-shot \(String(decoding: expected.text, as: UTF8.self).debugDescription)")
        }
        if violation != expected.violation {
            failures.append("violation \(String(describing: violation)) != one-shot \(String(describing: expected.violation))")
        }
        if failures.isEmpty && stream.events != expected.events {
            failures.append("events \(stream.events) != one-shot \(expected.events)")
        }
        for value in forbidden where shown.contains(value) {
            failures.append("a forbidden value was sent")
        }
        return failures.map { "\($0) (chunks \(chunks.debugDescription))" }
    }

    /// The character boundaries of `text`, as UTF-8 offsets (0 and the end excluded).
    static func boundaries(_ text: String) -> [Int] {
        var offsets: [Int] = []
        var offset = 0
        for scalar in text.unicodeScalars.dropLast() {
            offset += String(scalar).utf8.count
            offsets.append(offset)
        }
        return offsets
    }

    /// `text` cut at the UTF-8 offsets `cuts` (sorted character boundaries).
    static func split(_ text: String, at cuts: [Int]) -> [String] {
        let bytes = Array(text.utf8)
        var chunks: [String] = []
        var start = 0
        for cut in cuts + [bytes.count] where cut > start {
            chunks.append(String(decoding: bytes[start..<cut], as: UTF8.self))
            start = cut
        }
        return chunks
    }

    /// The failures over every single split point, every chunk size from 1 to `maximumChunk` scalars, and
    /// `randomSplits` random multi-splits from `seed`.
    func failuresOverSplits(
        _ text: String,
        forbidden: [String] = [],
        maximumChunk: Int = 6,
        randomSplits: Int = 50,
        seed: UInt64 = 1
    )
        -> [String]
    {
        let cuts = Self.boundaries(text)
        var failures: [String] = failures([text], forbidden: forbidden)
        for cut in cuts { failures += self.failures(Self.split(text, at: [cut]), forbidden: forbidden) }
        for size in 1...maximumChunk where !cuts.isEmpty {
            let chosen = cuts.enumerated().filter { ($0.offset + 1) % size == 0 }.map(\.element)
            failures += self.failures(Self.split(text, at: chosen), forbidden: forbidden)
        }
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<randomSplits where !cuts.isEmpty {
            let density = Double.random(in: 0.05...0.6, using: &generator)
            let chosen = cuts.filter { _ in Double.random(in: 0..<1, using: &generator) < density }
            failures += self.failures(Self.split(text, at: chosen), forbidden: forbidden)
        }
        return failures
    }
}
