// Enclave: the sampler keeps exactly the expected tokens, penalises as specified and is reproducible.

import EnclaveEngine
import Foundation
import Testing

@Suite struct SamplerTests {
    /// No truncation, temperature 1: the distribution is the softmax of the (penalised) logits.
    private static let plain = SamplingParameters(temperature: 1, topK: 0, topP: 1, minP: 0, seed: 1)

    private func softmax(_ logits: [Double]) -> [Double] {
        let maximum = logits.max()!
        let weights = logits.map { Foundation.exp($0 - maximum) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    private func distribution(
        _ parameters: SamplingParameters,
        _ logits: [Float],
        history: [Int32] = []
    )
        throws -> [(id: Int32, probability: Double)]
    {
        var sampler = try Sampler(parameters: parameters, vocabularySize: logits.count)
        for token in history { sampler.accept(token) }
        var buffer = logits
        return try buffer.withUnsafeMutableBufferPointer { try sampler.distribution(logits: $0) }
    }

    private func sample(_ sampler: inout Sampler, _ logits: inout [Float]) throws -> SampledToken {
        try logits.withUnsafeMutableBufferPointer { try sampler.sample(logits: $0) }
    }

    @Test func greedyPicksTheArgmaxWithTheLowestIdOnTies() throws {
        var sampler = try Sampler(parameters: .greedy, vocabularySize: 5)
        var logits: [Float] = [1, 5, 3, 5, -2]
        for _ in 0..<3 { #expect(try sample(&sampler, &logits).id == 1) }
        var single = try Sampler(parameters: .greedy, vocabularySize: 3)
        var other: [Float] = [-1, -0.5, -3]
        #expect(try sample(&single, &other).id == 1)
        var warm = try Sampler(parameters: SamplingParameters(temperature: -1), vocabularySize: 3)
        #expect(try sample(&warm, &other).id == 1)
    }

    @Test func topKKeepsTheKLargest() throws {
        var parameters = Self.plain
        parameters.topK = 2
        let kept = try distribution(parameters, [0, 3, 1, 2, 3])
        #expect(kept.map(\.id) == [1, 4])
        let expected = softmax([3, 3])
        for (entry, probability) in zip(kept, expected) { #expect(abs(entry.probability - probability) < 1e-9) }
        parameters.topK = 3
        #expect(try distribution(parameters, [0, 3, 1, 2, 3]).map(\.id) == [1, 4, 3])
        parameters.topK = 100
        #expect(try distribution(parameters, [0, 3, 1, 2, 3]).map(\.id) == [1, 4, 3, 2, 0])
    }

    @Test func topKOnALargeVocabularyMatchesAFullSort() throws {
        var generator = Xoshiro256StarStar(seed: 99)
        let logits = (0..<262_144).map { _ in Float(generator.nextUnitDouble() * 30 - 10) }
        var parameters = Self.plain
        parameters.topK = 40
        let kept = try distribution(parameters, logits)
        let expected = logits.enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
            .prefix(40).map { Int32($0.offset) }
        #expect(kept.map(\.id) == expected)
        let probabilities = softmax(expected.map { Double(logits[Int($0)]) })
        for (entry, probability) in zip(kept, probabilities) { #expect(abs(entry.probability - probability) < 1e-9) }
    }

    @Test func topPKeepsTheShortestPrefixReachingP() throws {
        let logits = [0.5, 0.3, 0.15, 0.05].map { Float(Foundation.log($0)) }
        var parameters = Self.plain
        parameters.topP = 0.79
        #expect(try distribution(parameters, logits).map(\.id) == [0, 1])
        parameters.topP = 0.81
        #expect(try distribution(parameters, logits).map(\.id) == [0, 1, 2])
        parameters.topP = 0.4
        let single = try distribution(parameters, logits)
        #expect(single.map(\.id) == [0])
        #expect(single[0].probability == 1)
        parameters.topP = 1
        #expect(try distribution(parameters, logits).count == 4)
    }

    @Test func minPKeepsTokensAboveAFractionOfTheBest() throws {
        let logits = [0.5, 0.3, 0.15, 0.05].map { Float(Foundation.log($0)) }
        var parameters = Self.plain
        parameters.minP = 0.2
        let kept = try distribution(parameters, logits)
        #expect(kept.map(\.id) == [0, 1, 2])
        let expected = [0.5, 0.3, 0.15].map { $0 / 0.95 }
        for (entry, probability) in zip(kept, expected) { #expect(abs(entry.probability - probability) < 1e-6) }
        parameters.minP = 0.35
        #expect(try distribution(parameters, logits).map(\.id) == [0, 1])
        parameters.minP = 1
        #expect(try distribution(parameters, logits).map(\.id) == [0])
    }

    @Test func truncationRunsBeforeTemperature() throws {
        // At temperature 1 token 1 has 0.27 of the mass; top-p 0.7 keeps ids 0 and 1. A high temperature would
        // flatten the distribution so that top-p kept more tokens if it ran after temperature.
        let logits: [Float] = [1, 0.5, 0, -0.5]
        var parameters = Self.plain
        parameters.topP = 0.7
        parameters.temperature = 10
        let kept = try distribution(parameters, logits)
        #expect(kept.map(\.id) == [0, 1])
        let expected = softmax([0.1, 0.05])
        for (entry, probability) in zip(kept, expected) { #expect(abs(entry.probability - probability) < 1e-6) }
    }

    @Test func drawsOnlyLandInTheKeptSetWithTheRightFrequencies() throws {
        let logits: [Float] = [2, 1.5, 1, -1, -3, 0.5]
        let parameters = SamplingParameters(temperature: 1, topK: 3, topP: 1, minP: 0, seed: 12345)
        var sampler = try Sampler(parameters: parameters, vocabularySize: logits.count)
        var buffer = logits
        var counts = [Int](repeating: 0, count: logits.count)
        let draws = 20_000
        for _ in 0..<draws { counts[Int(try sample(&sampler, &buffer).id)] += 1 }
        #expect(counts[3] == 0 && counts[4] == 0 && counts[5] == 0)
        let expected = softmax([2, 1.5, 1])
        for i in 0..<3 { #expect(abs(Double(counts[i]) / Double(draws) - expected[i]) < 0.02, "token \(i)") }
        #expect(buffer == logits)
    }

    @Test func penaltiesChangeLogitsAsSpecified() throws {
        let logits: [Float] = [2, -2, 1, 0.5]
        var parameters = Self.plain
        parameters.repetitionPenalty = 2
        // Token 0 (positive) is divided, token 1 (negative) multiplied; tokens 2 and 3 are untouched.
        var kept = try distribution(parameters, logits, history: [0, 1, 1])
        var expected = softmax([1, -4, 1, 0.5])
        for entry in kept { #expect(abs(entry.probability - expected[Int(entry.id)]) < 1e-6) }

        parameters.repetitionPenalty = 1
        parameters.frequencyPenalty = 0.5
        parameters.presencePenalty = 0.25
        kept = try distribution(parameters, logits, history: [0, 1, 1])
        expected = softmax([2 - 0.5 - 0.25, -2 - 1 - 0.25, 1, 0.5])
        for entry in kept { #expect(abs(entry.probability - expected[Int(entry.id)]) < 1e-6) }

        // Both: repetition first, then frequency and presence.
        parameters.repetitionPenalty = 2
        kept = try distribution(parameters, logits, history: [0, 1, 1])
        expected = softmax([1 - 0.5 - 0.25, -4 - 1 - 0.25, 1, 0.5])
        for entry in kept { #expect(abs(entry.probability - expected[Int(entry.id)]) < 1e-6) }
    }

    @Test func penaltiesOnlySeeTheLastNTokens() throws {
        let logits: [Float] = [2, 2, 2]
        var parameters = Self.plain
        parameters.presencePenalty = 1
        parameters.penaltyLastN = 2
        let kept = try distribution(parameters, logits, history: [0, 1, 2, 2])
        let expected = softmax([2, 2, 1])
        for entry in kept { #expect(abs(entry.probability - expected[Int(entry.id)]) < 1e-6) }
        parameters.penaltyLastN = 0
        let off = try distribution(parameters, logits, history: [0, 1, 2, 2])
        for entry in off { #expect(abs(entry.probability - 1.0 / 3) < 1e-9) }
    }

    @Test func greedyAppliesPenaltiesAndRestoresTheLogits() throws {
        var parameters = SamplingParameters.greedy
        parameters.repetitionPenalty = 3
        var sampler = try Sampler(parameters: parameters, vocabularySize: 3)
        var logits: [Float] = [3, 2, -1]
        #expect(try sample(&sampler, &logits).id == 0)
        sampler.accept(0)
        let token = try sample(&sampler, &logits)
        #expect(token.id == 1)
        #expect(logits == [3, 2, -1])
        // The reported log-probability is the raw one, not the penalised one.
        let raw = Double(logits[1]) - Foundation.log(logits.map { Foundation.exp(Double($0)) }.reduce(0, +))
        #expect(abs(Double(token.logprob) - raw) < 1e-5)
    }

    @Test func greedyTiesGoToTheLowestIDWithAndWithoutPenalties() throws {
        var plain = try Sampler(parameters: .greedy, vocabularySize: 6)
        var logits: [Float] = [1, 4, .nan, 4, -2, 4]
        #expect(try sample(&plain, &logits).id == 1)
        var parameters = SamplingParameters.greedy
        parameters.repetitionPenalty = 2
        var penalised = try Sampler(parameters: parameters, vocabularySize: 6)
        penalised.accept(1)
        // Token 1 drops to 2: the tie between 3 and 5 goes to 3.
        #expect(try sample(&penalised, &logits).id == 3)
        #expect(logits[1] == 4)
    }

    @Test func sameSeedSameTokensDifferentSeedsDiffer() throws {
        let logits = (0..<64).map { Float($0 % 7) * 0.3 }
        func run(seed: UInt64) throws -> [Int32] {
            var parameters = SamplingParameters(temperature: 1.2, topK: 0, topP: 1, minP: 0, seed: seed)
            parameters.repetitionPenalty = 1.1
            var sampler = try Sampler(parameters: parameters, vocabularySize: logits.count)
            var buffer = logits
            var tokens: [Int32] = []
            for _ in 0..<100 {
                let token = try sample(&sampler, &buffer).id
                sampler.accept(token)
                tokens.append(token)
            }
            return tokens
        }
        #expect(try run(seed: 7) == run(seed: 7))
        #expect(try run(seed: 7) != run(seed: 8))
        #expect(Set(try run(seed: 7)).count > 10)
    }

    @Test func logprobsAreTheRawLogSoftmax() throws {
        let logits: [Float] = [1, 4, 2, 4, 0, -1]
        let parameters = SamplingParameters(temperature: 0.7, topK: 2, topP: 1, minP: 0, seed: 3, topLogprobs: 4)
        var sampler = try Sampler(parameters: parameters, vocabularySize: logits.count)
        var buffer = logits
        let token = try sample(&sampler, &buffer)
        let logNormalizer = Foundation.log(logits.map { Foundation.exp(Double($0)) }.reduce(0, +))
        #expect(abs(Double(token.logprob) - (Double(logits[Int(token.id)]) - logNormalizer)) < 1e-5)
        #expect(token.topLogprobs.map(\.id) == [1, 3, 2, 0])
        for entry in token.topLogprobs {
            #expect(abs(Double(entry.logprob) - (Double(logits[Int(entry.id)]) - logNormalizer)) < 1e-5)
        }
        #expect(token.topLogprobs.map { Foundation.exp(Double($0.logprob)) }.reduce(0, +) <= 1)
        var none = try Sampler(parameters: .greedy, vocabularySize: logits.count)
        #expect(try sample(&none, &buffer).topLogprobs.isEmpty)
    }

    @Test func logprobsOnALargeVocabulary() throws {
        var generator = Xoshiro256StarStar(seed: 4)
        var logits = (0..<262_144).map { _ in Float(generator.nextUnitDouble() * 40 - 20) }
        logits[1234] = 30
        let logNormalizer = Foundation.log(logits.map { Foundation.exp(Double($0)) }.reduce(0, +))
        var sampler = try Sampler(parameters: SamplingParameters(seed: 9, topLogprobs: 3), vocabularySize: logits.count)
        let token = try sample(&sampler, &logits)
        #expect(abs(Double(token.logprob) - (Double(logits[Int(token.id)]) - logNormalizer)) < 1e-4)
        #expect(token.topLogprobs.first?.id == 1234)
        #expect(abs(Double(token.topLogprobs[0].logprob) - (30 - logNormalizer)) < 1e-4)
    }

    @Test func badInputIsAnErrorNotACrash() throws {
        let invalid: [SamplingParameters] = [
            SamplingParameters(temperature: .nan), SamplingParameters(topP: 0), SamplingParameters(topP: 1.5),
            SamplingParameters(minP: -0.1), SamplingParameters(repetitionPenalty: 0),
            SamplingParameters(frequencyPenalty: 3), SamplingParameters(presencePenalty: -2.5),
            SamplingParameters(penaltyLastN: -1), SamplingParameters(topLogprobs: 21),
        ]
        for parameters in invalid {
            #expect(throws: SamplingError.self) { try Sampler(parameters: parameters, vocabularySize: 10) }
        }
        #expect(throws: SamplingError.self) { try Sampler(parameters: .greedy, vocabularySize: 0) }
        var sampler = try Sampler(parameters: SamplingParameters(seed: 1), vocabularySize: 4)
        var short: [Float] = [1, 2, 3]
        #expect(throws: SamplingError.self) { try sample(&sampler, &short) }
        var hopeless: [Float] = [-.infinity, .nan, -.infinity, .nan]
        #expect(throws: SamplingError.self) { try sample(&sampler, &hopeless) }
        var someNaN: [Float] = [.nan, 1, .nan, 0]
        let token = try sample(&sampler, &someNaN)
        #expect(token.id == 1 || token.id == 3)
        sampler.accept(-5)
        sampler.accept(1_000_000)
        var fine: [Float] = [0, 1, 2, 3]
        _ = try sample(&sampler, &fine)
    }

    @Test func xoshiroMatchesAnIndependentImplementation() {
        var zero = Xoshiro256StarStar(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [0x99ec_5f36_cb75_f2b4, 0xbf6e_1f78_4956_452a, 0x1a5f_849d_4933_e6e0])
        var other = Xoshiro256StarStar(seed: 42)
        #expect([other.next(), other.next(), other.next()] == [0x1578_0b2e_0c2e_c716, 0x6104_d986_6d11_3a7e, 0xae17_5332_39e4_99a1])
        var unit = Xoshiro256StarStar(seed: 5)
        for _ in 0..<1000 {
            let u = unit.nextUnitDouble()
            #expect(u >= 0 && u < 1)
        }
    }
}
