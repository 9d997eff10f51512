// Enclave OpenAI dialect tests: every client-supplied number is checked against its range, naming the field.

import EnclaveCore
import EnclaveOpenAI
import Foundation
import Testing

@Suite struct NumericParameterTests {
    static let chat = #"{"model":"m","messages":[{"role":"user","content":"hi"}]"#
    static let completion = #"{"model":"m","prompt":"hi""#

    static func decodeChat(_ extra: String) throws(OpenAIError) -> ChatCompletionRequest {
        try OpenAIRequestDecoder.decode(ChatCompletionRequest.self, from: Data((chat + "," + extra + "}").utf8))
    }

    static func decodeCompletion(_ extra: String) throws(OpenAIError) -> CompletionRequest {
        try OpenAIRequestDecoder.decode(CompletionRequest.self, from: Data((completion + "," + extra + "}").utf8))
    }

    /// Values no Swift integer or double holds used to be "The request body is not valid JSON." with no param.
    @Test(arguments: [
        (#""seed":18446744073709551616"#, "seed", "-9223372036854775808 to 9223372036854775807"),
        (#""seed":9223372036854775808"#, "seed", "-9223372036854775808 to 9223372036854775807"),
        (#""seed":-9223372036854775809"#, "seed", "-9223372036854775808 to 9223372036854775807"),
        (#""seed":1.5"#, "seed", "an integer"),
        (#""max_tokens":2.5"#, "max_tokens", "an integer of at least 1"),
        (#""max_tokens":1e400"#, "max_tokens", "an integer of at least 1"),
        (#""max_tokens":-1e400"#, "max_tokens", "an integer of at least 1"),
        (#""max_tokens":0"#, "max_tokens", "an integer of at least 1"),
        (#""max_tokens":"12""#, "max_tokens", "an integer of at least 1"),
        (#""max_completion_tokens":18446744073709551616"#, "max_completion_tokens", "an integer of at least 1"),
        (#""max_completion_tokens":true"#, "max_completion_tokens", "an integer"),
        (#""n":1e400"#, "n", "an integer from 1 to 128"),
        (#""n":0"#, "n", "an integer from 1 to 128"),
        (#""n":[1]"#, "n", "an integer from 1 to 128"),
        (#""temperature":1e400"#, "temperature", "a number from 0 to 2"),
        (#""temperature":-0.5"#, "temperature", "a number from 0 to 2"),
        (#""temperature":{"a":1}"#, "temperature", "a number from 0 to 2"),
        (#""top_p":0"#, "top_p", "a number greater than 0 and at most 1"),
        (#""top_p":1.0000001"#, "top_p", "a number greater than 0 and at most 1"),
        (#""presence_penalty":-1e400"#, "presence_penalty", "a number from -2 to 2"),
        (#""frequency_penalty":2.0001"#, "frequency_penalty", "a number from -2 to 2"),
        (#""top_logprobs":21"#, "top_logprobs", "an integer from 0 to 20"),
        (#""top_logprobs":9223372036854775808"#, "top_logprobs", "an integer from 0 to 20"),
        (#""logprobs":1"#, "logprobs", ""),
        (#""stream_options":1e400"#, "stream_options", ""),
        (#""logit_bias":{"1":1e400}"#, "logit_bias.1", "out of range"),
    ])
    func chatNumbersOutOfRangeName(json: String, param: String, range: String) {
        #expect {
            _ = try Self.decodeChat(json)
        } throws: { error in
            guard let error = error as? OpenAIError else { return false }
            return error.status == 400 && error.param == param && (range.isEmpty || error.message.contains(range))
                && error.message.contains(param)
        }
    }

    @Test(arguments: [
        (#""logprobs":6"#, "logprobs", "an integer from 0 to 5"),
        (#""logprobs":2.5"#, "logprobs", "an integer from 0 to 5"),
        (#""logprobs":true"#, "logprobs", "an integer from 0 to 5"),
        (#""best_of":21"#, "best_of", "an integer from 0 to 20"),
        (#""best_of":1e400"#, "best_of", "an integer from 0 to 20"),
        (#""max_tokens":9223372036854775808"#, "max_tokens", "an integer of at least 1"),
        (#""seed":18446744073709551616"#, "seed", "to 9223372036854775807"),
        (#""temperature":"hot""#, "temperature", "a number from 0 to 2"),
        (#""prompt":[1e400]"#, "prompt", ""),
    ])
    func completionNumbersOutOfRangeName(json: String, param: String, range: String) {
        let body = json.hasPrefix(#""prompt""#) ? #"{"model":"m","#.appending(json) + "}" : Self.completion + "," + json + "}"
        #expect {
            _ = try OpenAIRequestDecoder.decode(CompletionRequest.self, from: Data(body.utf8))
        } throws: { error in
            guard let error = error as? OpenAIError else { return false }
            return error.status == 400 && error.param == param && (range.isEmpty || error.message.contains(range))
        }
    }

    @Test func valuesInsideTheRangesDecode() throws {
        let request = try Self.decodeChat(
            #""seed":9223372036854775807,"max_tokens":1.0,"temperature":-0,"top_p":1,"n":1,"presence_penalty":-2,"frequency_penalty":2,"logprobs":true,"top_logprobs":20"#
        )
        #expect(request.seed == .max)
        #expect(request.maxTokens == 1)
        #expect(request.temperature == 0)
        #expect(request.topLogprobs == 20)
        let negative = try Self.decodeChat(#""seed":-9223372036854775808,"temperature":1e-400,"stop":null,"stream_options":null"#)
        #expect(negative.seed == .min)
        #expect(negative.temperature == 0)
    }

    @Test func aTinyTopPKeepsTheMostLikelyTokenInsteadOfFailingInTheSampler() throws {
        let request = try Self.decodeChat(#""top_p":1e-300"#)
        let inference = try request.inferenceRequest(id: "r", principal: "p", limits: LimitsConfiguration())
        let topP = try #require(inference.parameters.topP)
        #expect(Float(topP) > 0)
        #expect(topP < 1e-30)
    }

    @Test func hugeMaxTokensPassTheAPILayerAsAPlainCountOrTheServersCap() throws {
        let request = try Self.decodeChat(#""max_tokens":9223372036854775807"#)
        #expect(request.maxTokens == .max)
        #expect {
            _ = try request.inferenceRequest(id: "r", principal: "p", limits: LimitsConfiguration(maxTokens: 100))
        } throws: { error in
            (error as? InferenceError)?.parameter == "max_tokens"
        }
    }
}
