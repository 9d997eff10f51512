// Enclave OpenAI dialect: checking sampling parameters and turning them into inference parameters.

import EnclaveCore

/// The sampling parameters chat and text completions share, checked against OpenAI's ranges and
/// Enclave's limits. Every error names the parameter.
struct SamplingInput {
    var temperature: Double?
    var topP: Double?
    var maxTokens: (name: String, value: Int)?
    var stop: [String]
    var seed: Int64?
    var presencePenalty: Double?
    var frequencyPenalty: Double?
    var n: Int?
    var logitBias: [String: JSONValue]?
    var logprobs: Bool
    var topLogprobs: (name: String, value: Int, range: ClosedRange<Int>)?

    /// Validated parameters.
    /// - Parameter limits: The server's limits (`max_tokens` cap).
    func parameters(limits: LimitsConfiguration) throws(InferenceError) -> InferenceParameters {
        try Self.check("temperature", temperature, in: .temperature)
        try Self.check("top_p", topP, in: .topP)
        try Self.check("presence_penalty", presencePenalty, in: .penalty)
        try Self.check("frequency_penalty", frequencyPenalty, in: .penalty)
        if let n, n != 1 {
            throw .invalidParameter("n", "only n = 1 is supported, got \(n)")
        }
        if let logitBias, !logitBias.isEmpty {
            throw .invalidParameter("logit_bias", "is not supported")
        }
        if stop.count > 4 {
            throw .invalidParameter("stop", "at most 4 stop sequences are allowed, got \(stop.count)")
        }
        if stop.contains(where: \.isEmpty) {
            throw .invalidParameter("stop", "stop sequences must not be empty")
        }
        var maxTokensValue: Int?
        if let (name, value) = maxTokens {
            guard value >= 1 else { throw .invalidParameter(name, "must be \(NumericRange.maxTokens.phrase), got \(value)") }
            if let cap = limits.maxTokens, value > cap {
                throw .invalidParameter(name, "must be at most \(cap) on this server, got \(value)")
            }
            maxTokensValue = value
        } else {
            maxTokensValue = limits.maxTokens
        }
        var topLogprobsValue = 0
        if let (name, value, range) = topLogprobs {
            guard range.contains(value) else {
                throw .invalidParameter(name, "must be from \(range.lowerBound) to \(range.upperBound), got \(value)")
            }
            topLogprobsValue = value
        }
        // A top_p below the most likely token's probability keeps that token alone, however small it is; the
        // smallest normal float keeps the same meaning through the engine's single-precision sampler.
        let samplerTopP = topP.map { max($0, Double(Float.leastNormalMagnitude)) }
        return InferenceParameters(
            maxTokens: maxTokensValue,
            temperature: temperature,
            topP: samplerTopP,
            seed: seed.map { UInt64(bitPattern: $0) },
            stop: stop,
            presencePenalty: presencePenalty ?? 0,
            frequencyPenalty: frequencyPenalty ?? 0,
            logprobs: logprobs,
            topLogprobs: topLogprobsValue
        )
    }

    private static func check(_ name: String, _ value: Double?, in range: NumericRange) throws(InferenceError) {
        if let value, !range.contains(value) {
            throw .invalidParameter(name, "must be \(range.phrase), got \(value)")
        }
    }
}
