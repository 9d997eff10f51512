// Enclave: chooses the next token of one sequence from the model's logits.

import Foundation

/// Chooses tokens for one sequence. Each sequence has its own sampler (with its own seeded generator and penalty
/// history); a sampler is a value and is not meant to be shared between threads.
///
/// The chain follows llama.cpp's order:
///
/// 1. **Penalties** over the last ``SamplingParameters/penaltyLastN`` accepted tokens: for each distinct token with
///    `count` occurrences, the repetition penalty `r` divides a positive logit and multiplies a non-positive one, then
///    `count × frequencyPenalty + presencePenalty` is subtracted.
/// 2. **Top-k**: the `k` largest logits, found with a bounded heap (no full sort of the vocabulary), then sorted.
/// 3. **Top-p**: softmax over the survivors at temperature 1; the shortest prefix whose probability reaches `topP`.
/// 4. **Min-p**: tokens whose probability is at least `minP` times the best one's.
/// 5. **Temperature**: the survivors' logits divided by `T`, then softmax.
/// 6. **Draw** `u` in [0, 1) from xoshiro256** and take the first token whose cumulative probability exceeds `u`.
///
/// With `temperature <= 0` the sampler is greedy: the largest logit after penalties, lowest id on ties. Ties inside
/// the chain also go to the lower id, so the same seed and the same logits always give the same token.
///
/// Log-probabilities (``SampledToken``) come from the raw logits, before penalties, truncation and temperature.
///
/// All scratch space is allocated in `init`: sampling a token allocates nothing when ``SamplingParameters/topLogprobs``
/// is 0 (reporting alternatives allocates the returned array). `sample` leaves the logits buffer as it found it.
///
/// ```swift
/// var sampler = try Sampler(parameters: .init(temperature: 0.7, seed: 1), vocabularySize: vocabulary.count)
/// let token = try logits.withUnsafeMutableBufferPointer { try sampler.sample(logits: $0) }
/// sampler.accept(token.id)
/// ```
public struct Sampler: Sendable {
    /// The settings this sampler applies.
    public let parameters: SamplingParameters
    /// The number of logits each call to ``sample(logits:)`` expects.
    public let vocabularySize: Int

    var generator: Xoshiro256StarStar
    /// The last `penaltyLastN` accepted tokens, as a ring.
    var history: [Int32]
    var historyNext = 0
    var historyCount = 0
    /// Penalty scratch: distinct recent tokens, their counts, and the logits they had before the penalty.
    var penaltyIDs: [Int32]
    var penaltyCounts: [Int32]
    var penaltyOriginals: [Float]
    /// Candidate scratch: a heap during top-k, then the survivors sorted best first.
    var candidateIDs: [Int32]
    var candidateLogits: [Float]
    var candidateWeights: [Double]
    /// The best raw logits, for ``SampledToken/topLogprobs``.
    var topIDs: [Int32]
    var topLogits: [Float]

    /// Creates a sampler and all its scratch space.
    /// - Parameters:
    ///   - parameters: The sampling settings; they are validated here.
    ///   - vocabularySize: The number of logits per token (up to 2^31 - 1).
    /// - Throws: ``SamplingError`` for parameters out of range or a vocabulary size below 1.
    public init(parameters: SamplingParameters, vocabularySize: Int) throws(SamplingError) {
        try parameters.validate()
        guard vocabularySize >= 1, vocabularySize <= Int(Int32.max) else {
            throw SamplingError(.invalidParameter, "vocabulary size must be in 1...\(Int32.max), got \(vocabularySize)")
        }
        self.parameters = parameters
        self.vocabularySize = vocabularySize
        var seed = parameters.seed ?? 0
        if parameters.seed == nil {
            var system = SystemRandomNumberGenerator()
            seed = system.next()
        }
        generator = Xoshiro256StarStar(seed: seed)
        let window = parameters.hasPenalties ? parameters.penaltyLastN : 0
        history = Array(repeating: 0, count: window)
        penaltyIDs = Array(repeating: 0, count: window)
        penaltyCounts = Array(repeating: 0, count: window)
        penaltyOriginals = Array(repeating: 0, count: window)
        let candidates =
            parameters.temperature <= 0
            ? 0
            : parameters.topK <= 0
                ? vocabularySize
                : min(parameters.topK, vocabularySize)
        candidateIDs = Array(repeating: 0, count: candidates)
        candidateLogits = Array(repeating: 0, count: candidates)
        candidateWeights = Array(repeating: 0, count: candidates)
        topIDs = Array(repeating: 0, count: min(parameters.topLogprobs, vocabularySize))
        topLogits = Array(repeating: 0, count: min(parameters.topLogprobs, vocabularySize))
    }

    /// Records a token of the sequence (generated or from the prompt) for the penalties.
    /// - Parameter token: The token id. Ids outside the vocabulary are remembered but never penalised.
    public mutating func accept(_ token: Int32) {
        guard !history.isEmpty else { return }
        history[historyNext] = token
        historyNext = (historyNext + 1) % history.count
        historyCount = min(historyCount + 1, history.count)
    }

    /// Forgets the penalty history (the generator keeps its state).
    public mutating func resetHistory() {
        historyNext = 0
        historyCount = 0
    }

    /// Chooses the next token.
    /// - Parameter logits: The model's logits for the next position, one per vocabulary entry. The sampler changes
    ///   them while it works and restores them before returning.
    /// - Returns: The chosen token with its log-probability and, if asked for, the most likely alternatives.
    /// - Throws: ``SamplingError`` (``SamplingError/Code/invalidLogits``) if the buffer does not hold
    ///   ``vocabularySize`` values or holds no finite value.
    public mutating func sample(logits: UnsafeMutableBufferPointer<Float>) throws(SamplingError) -> SampledToken {
        guard logits.count == vocabularySize else {
            throw SamplingError(.invalidLogits, "expected \(vocabularySize) logits, got \(logits.count)")
        }
        let (maximum, logNormalizer) = Self.logSumExp(logits)
        guard maximum.isFinite else { throw SamplingError(.invalidLogits, "logits have no finite value") }
        let alternatives = collectTopLogprobs(logits, logNormalizer: logNormalizer)

        let penalized = applyPenalties(logits)
        let chosen: Int32
        if parameters.temperature <= 0 {
            // Unpenalised logits still hold the maximum found above: only its first index is searched.
            chosen = penalized == 0 ? Int32(SamplerMath.firstIndex(of: maximum, in: logits)) : Self.argmax(logits)
        } else {
            let count = prepareCandidates(logits)
            chosen = draw(count: count)
        }
        restorePenalties(logits, count: penalized)

        let logprob = Float(Double(logits[Int(chosen)]) - logNormalizer)
        return SampledToken(id: chosen, logprob: logprob, topLogprobs: alternatives)
    }

    /// The distribution the next draw would use: the tokens that survive penalties, top-k, top-p and min-p, with
    /// their probabilities after temperature, best first. With `temperature <= 0`, the greedy choice with
    /// probability 1. For diagnostics and tests; it allocates the returned array and does not advance the generator.
    /// - Parameter logits: The logits, as for ``sample(logits:)`` (restored before returning).
    public mutating func distribution(
        logits: UnsafeMutableBufferPointer<Float>
    ) throws(SamplingError)
        -> [(id: Int32, probability: Double)]
    {
        guard logits.count == vocabularySize else {
            throw SamplingError(.invalidLogits, "expected \(vocabularySize) logits, got \(logits.count)")
        }
        guard Self.logSumExp(logits).maximum.isFinite else {
            throw SamplingError(.invalidLogits, "logits have no finite value")
        }
        let penalized = applyPenalties(logits)
        defer { restorePenalties(logits, count: penalized) }
        if parameters.temperature <= 0 { return [(Self.argmax(logits), 1)] }
        let count = prepareCandidates(logits)
        let total = candidateWeights[..<count].reduce(0, +)
        return (0..<count).map { (candidateIDs[$0], candidateWeights[$0] / total) }
            .sorted { $0.probability > $1.probability || ($0.probability == $1.probability && $0.id < $1.id) }
    }

    /// Draws from the first `count` candidates, whose unnormalised weights are in `candidateWeights`.
    private mutating func draw(count: Int) -> Int32 {
        var total = 0.0
        for i in 0..<count { total += candidateWeights[i] }
        let target = generator.nextUnitDouble() * total
        var cumulative = 0.0
        for i in 0..<count {
            cumulative += candidateWeights[i]
            if cumulative > target { return candidateIDs[i] }
        }
        return candidateIDs[count - 1]
    }

    // MARK: - Raw distribution

    /// The largest logit and `log(sum(exp(logits)))`, ignoring NaN.
    static func logSumExp(_ logits: UnsafeMutableBufferPointer<Float>) -> (maximum: Float, logNormalizer: Double) {
        let maximum = SamplerMath.maximum(logits)
        guard maximum.isFinite else { return (maximum, .nan) }
        return (maximum, Double(maximum) + Foundation.log(SamplerMath.sumExp(logits, maximum: maximum)))
    }

    /// The lowest id among the largest logits.
    static func argmax(_ logits: UnsafeMutableBufferPointer<Float>) -> Int32 {
        Int32(SamplerMath.argmax(logits))
    }

    /// The `topLogprobs` best raw logits (ties: lower id first) as log-probabilities.
    private mutating func collectTopLogprobs(
        _ logits: UnsafeMutableBufferPointer<Float>,
        logNormalizer: Double
    )
        -> [ScoredToken]
    {
        let wanted = topIDs.count
        guard wanted > 0 else { return [] }
        var filled = 0
        topIDs.withUnsafeMutableBufferPointer { ids in
            topLogits.withUnsafeMutableBufferPointer { values in
                for (i, value) in logits.enumerated() where !value.isNaN {
                    if filled == wanted && !(value > values[wanted - 1]) { continue }
                    var position = filled == wanted ? wanted - 1 : filled
                    if filled < wanted { filled += 1 }
                    while position > 0 && values[position - 1] < value {
                        values[position] = values[position - 1]
                        ids[position] = ids[position - 1]
                        position -= 1
                    }
                    values[position] = value
                    ids[position] = Int32(i)
                }
            }
        }
        return (0..<filled).map { ScoredToken(id: topIDs[$0], logprob: Float(Double(topLogits[$0]) - logNormalizer)) }
    }
}
