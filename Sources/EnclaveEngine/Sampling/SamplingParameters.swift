// Enclave: how the next token is chosen from the model's logits.

/// Settings for choosing tokens from logits. The defaults are llama.cpp's: temperature 0.8, top-k 40, top-p 0.95,
/// min-p 0.05, no repetition, frequency or presence penalty, penalties over the last 64 tokens, random seed.
///
/// ```swift
/// var parameters = SamplingParameters()
/// parameters.temperature = 0.2
/// parameters.seed = 7
/// try parameters.validate()
/// var sampler = try Sampler(parameters: parameters, vocabularySize: 49_152)
/// ```
public struct SamplingParameters: Sendable, Hashable {
    /// Softmax temperature; `<= 0` means greedy (always the most likely token after penalties).
    public var temperature: Float = 0.8
    /// Keep only the `topK` most likely tokens; `<= 0` keeps all.
    public var topK: Int = 40
    /// Keep the smallest set of most likely tokens whose probabilities add up to at least `topP`; 1 turns it off.
    public var topP: Float = 0.95
    /// Drop tokens whose probability is below `minP` times the most likely token's; 0 turns it off.
    public var minP: Float = 0.05
    /// CTRL-style repetition penalty on tokens seen in the last ``penaltyLastN`` tokens (positive logits are divided by
    /// it, others multiplied); 1 turns it off.
    public var repetitionPenalty: Float = 1.0
    /// OpenAI-style frequency penalty: subtracted once per occurrence in the last ``penaltyLastN`` tokens.
    public var frequencyPenalty: Float = 0
    /// OpenAI-style presence penalty: subtracted once from every token that occurs in the last ``penaltyLastN`` tokens.
    public var presencePenalty: Float = 0
    /// How many of the most recent tokens the penalties look at; 0 turns penalties off.
    public var penaltyLastN: Int = 64
    /// The random seed; nil draws one from the system's random source. The same seed and the same logits give the
    /// same tokens.
    public var seed: UInt64? = nil
    /// How many alternative tokens to report with their log-probabilities (0...20).
    public var topLogprobs: Int = 0

    /// The largest ``topLogprobs`` accepted (OpenAI's limit).
    public static let maximumTopLogprobs = 20
    /// The largest ``penaltyLastN`` accepted.
    public static let maximumPenaltyLastN = 4096

    /// The llama.cpp defaults.
    public init() {}

    /// Creates parameters; unspecified values take the llama.cpp defaults.
    public init(
        temperature: Float = 0.8,
        topK: Int = 40,
        topP: Float = 0.95,
        minP: Float = 0.05,
        repetitionPenalty: Float = 1.0,
        frequencyPenalty: Float = 0,
        presencePenalty: Float = 0,
        penaltyLastN: Int = 64,
        seed: UInt64? = nil,
        topLogprobs: Int = 0
    ) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.penaltyLastN = penaltyLastN
        self.seed = seed
        self.topLogprobs = topLogprobs
    }

    /// Always the most likely token (after penalties, of which there are none by default).
    public static let greedy = SamplingParameters(temperature: 0, topK: 1, topP: 1, minP: 0)

    /// Whether any penalty is active.
    var hasPenalties: Bool {
        penaltyLastN > 0 && (repetitionPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0)
    }

    /// Checks every value.
    /// - Throws: ``SamplingError`` (``SamplingError/Code/invalidParameter``) naming the first value out of range:
    ///   temperature must be finite (and at most 100), topP in (0, 1], minP in [0, 1], repetitionPenalty finite and
    ///   positive, frequency and presence penalties in [-2, 2] as OpenAI allows, penaltyLastN in 0...4096,
    ///   topLogprobs in 0...20.
    public func validate() throws(SamplingError) {
        func fail(_ message: String) -> SamplingError {
            // Every message starts with the parameter's name.
            SamplingError(.invalidParameter, message, parameter: String(message.prefix { $0 != " " }))
        }
        guard temperature.isFinite, temperature <= 100 else {
            throw fail("temperature must be a finite number <= 100, got \(temperature)")
        }
        guard topP.isFinite, topP > 0, topP <= 1 else { throw fail("top_p must be in (0, 1], got \(topP)") }
        guard minP.isFinite, minP >= 0, minP <= 1 else { throw fail("min_p must be in [0, 1], got \(minP)") }
        guard repetitionPenalty.isFinite, repetitionPenalty > 0 else {
            throw fail("repetition_penalty must be a positive number, got \(repetitionPenalty)")
        }
        guard frequencyPenalty.isFinite, (-2...2).contains(frequencyPenalty) else {
            throw fail("frequency_penalty must be in [-2, 2], got \(frequencyPenalty)")
        }
        guard presencePenalty.isFinite, (-2...2).contains(presencePenalty) else {
            throw fail("presence_penalty must be in [-2, 2], got \(presencePenalty)")
        }
        guard (0...Self.maximumPenaltyLastN).contains(penaltyLastN) else {
            throw fail("penalty_last_n must be in 0...\(Self.maximumPenaltyLastN), got \(penaltyLastN)")
        }
        guard (0...Self.maximumTopLogprobs).contains(topLogprobs) else {
            throw fail("top_logprobs must be in 0...\(Self.maximumTopLogprobs), got \(topLogprobs)")
        }
    }
}
