// Enclave load tests: the incremental SSE reader, fed in every split.

import EnclaveLoad
import Testing

@Suite struct StreamEventScannerTests {
    let stream = """
        data: {"id":"1","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}

        data: {"id":"1","choices":[{"index":0,"delta":{"content":"Hel"}}]}

        : a comment

        data: {"id":"1","choices":[{"index":0,"delta":{"content": "lo \\"x\\""}}]}\r

        data: {"id":"1","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}

        data: {"id":"1","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14}}

        data: [DONE]


        """

    func events(_ text: String, split: Int) -> [StreamEventScanner.Event] {
        var scanner = StreamEventScanner()
        var events: [StreamEventScanner.Event] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + split)
            scanner.feed(bytes[offset..<end]) { events.append($0) }
            offset = end
        }
        scanner.finish { events.append($0) }
        return events
    }

    @Test(arguments: [1, 2, 7, 64, 10_000])
    func everySplitGivesTheSameEvents(split: Int) {
        #expect(events(stream, split: split) == [.empty, .token, .token, .empty, .usage(prompt: 12, completion: 2), .done])
    }

    @Test func completionsTextAndReasoningCountAsTokens() {
        #expect(StreamEventScanner.classify(Array(#"{"choices":[{"text":"a","index":0}]}"#.utf8)[...]) == .token)
        #expect(StreamEventScanner.classify(Array(#"{"choices":[{"delta":{"reasoning_content":"hm"}}]}"#.utf8)[...]) == .token)
        #expect(StreamEventScanner.classify(Array(#"{"choices":[{"delta":{"content":null}}]}"#.utf8)[...]) == .empty)
    }

    @Test func errorEventsCarryTheirMessage() {
        let payload = Array(#"{"error":{"message":"the model crashed","type":"server_error"}}"#.utf8)[...]
        #expect(StreamEventScanner.classify(payload) == .error("the model crashed"))
    }

    @Test func aLastLineWithoutNewlineIsRead() {
        #expect(events("data: [DONE]", split: 3) == [.done])
    }
}
