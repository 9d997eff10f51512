// Enclave OpenAI dialect tests: the wire types, both ways.

import EnclaveCore
import EnclaveOpenAI
import Foundation
import Testing

@Suite struct WireTypeTests {
    func json(_ value: some Encodable) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder.openAI().encode(value)) as? [String: Any])
    }

    @Test func chatMessagesCarryANullRefusal() throws {
        let response = ChatCompletionResponse(
            id: "chatcmpl-1",
            created: 1,
            model: "m",
            choices: [.init(index: 0, message: .init(content: "hi"), logprobs: ChatLogprobs([]), finishReason: "stop")],
            usage: Usage(promptTokens: 1, completionTokens: 2)
        )
        let object = try json(response)
        let choice = try #require((object["choices"] as? [[String: Any]])?.first)
        let message = try #require(choice["message"] as? [String: Any])
        #expect(message["role"] as? String == "assistant")
        #expect(message["content"] as? String == "hi")
        #expect(message.keys.contains("refusal") && message["refusal"] is NSNull)
        let logprobs = try #require(choice["logprobs"] as? [String: Any])
        #expect(logprobs["refusal"] is NSNull)
        #expect(logprobs["content"] as? [Any] != nil)
        #expect((object["usage"] as? [String: Any])?["total_tokens"] as? Int == 3)

        let decoded = try JSONDecoder().decode(ChatCompletionResponse.self, from: JSONEncoder.openAI().encode(response))
        #expect(decoded.choices.first?.message.content == "hi")
        #expect(decoded.choices.first?.message.refusal == nil)
    }

    @Test func aNullPromptCompletesFromTheStartOfADocument() throws {
        let request = try OpenAIRequestDecoder.decode(CompletionRequest.self, from: Data(#"{"model":"m","prompt":null}"#.utf8))
        let inferences = try request.inferenceRequests(id: "r", principal: "p", limits: LimitsConfiguration())
        #expect(inferences.count == 1)
        guard case .text(let text) = inferences[0].prompt else {
            Issue.record("not a text prompt")
            return
        }
        #expect(text.isEmpty)
        #expect(throws: OpenAIError.self) {
            _ = try OpenAIRequestDecoder.decode(CompletionRequest.self, from: Data(#"{"model":"m"}"#.utf8))
        }
    }

    @Test func aClientRequestEncodesOnlyWhatItSets() throws {
        let request = ChatCompletionRequest(model: "m", messages: [.init(role: "user", content: .text("hi"))], maxTokens: 5, stream: true)
        let object = try json(request)
        #expect(Set(object.keys) == ["model", "messages", "max_tokens", "stream"])
        let back = try JSONDecoder().decode(ChatCompletionRequest.self, from: JSONEncoder().encode(request))
        #expect(back.maxTokens == 5)
    }

    @Test func streamsParseIntoChunksAndErrors() throws {
        var parser = ServerSentEventParser()
        let chunk = ChatCompletionChunk(
            id: "c",
            created: 1,
            model: "m",
            choices: [.init(delta: .init(content: "é"))],
            usage: nil,
            includeUsage: false
        )
        var bytes = try ServerSentEvents.frame(chunk, encoder: .openAI())
        bytes.append(ServerSentEvents.errorFrame(.invalidRequest("bad", param: "x")))
        bytes.append(ServerSentEvents.done)
        let split = bytes.count / 2
        let payloads = parser.feed(bytes.prefix(split)) + parser.feed(bytes.suffix(from: split))
        #expect(payloads.count == 3)
        #expect(try ServerSentEventParser.decode(payloads[0], as: ChatCompletionChunk.self).choices.first?.delta.content == "é")
        #expect(throws: OpenAIError.self) { try ServerSentEventParser.decode(payloads[1], as: ChatCompletionChunk.self) }
        #expect(payloads[2] == ServerSentEvents.donePayload)
    }

    @Test func errorBodiesDecodeLeniently() throws {
        let error = try #require(OpenAIError.decode(Data(#"{"error":{"message":"nope","code":400}}"#.utf8), status: 400))
        #expect(error.message == "nope")
        #expect(error.code == "400")
        let encoded = try #require(try JSONSerialization.jsonObject(with: OpenAIError.internalError.encoded()) as? [String: Any])
        let body = try #require(encoded["error"] as? [String: Any])
        #expect(Set(body.keys) == ["message", "type", "param", "code"])
        #expect(body["param"] is NSNull)
    }

    @Test func coreErrorsAreWordedHere() {
        let prompt = OpenAIError.from(InferenceError.contextLengthExceeded(promptTokens: 82, limit: 64))
        #expect(prompt.message.contains("maximum context length is 64 tokens"))
        #expect(prompt.message.contains("82 tokens"))
        #expect(prompt.code == "context_length_exceeded")
        #expect(prompt.param == "messages")
        let huge = OpenAIError.from(
            InferenceError.contextLengthExceeded(promptTokens: 3, completionTokens: .max, limit: 64),
            promptParameter: "prompt"
        )
        #expect(huge.param == "prompt")
        #expect(huge.message.contains("\(Int.max) in the completion"))
        #expect(!InferenceError.contextLengthExceeded(promptTokens: 82, limit: 64).message.contains("maximum context length"))
        let busy = OpenAIError.from(InferenceError.overloaded(retryAfterSeconds: 3))
        #expect(busy.status == 429 && busy.headers["Retry-After"] == "3")
        #expect(OpenAIError.from(KeyAuthenticator.Failure.missing).status == 401)
        #expect(OpenAIError.from(CancellationError()).status == 499)
    }
}
