// Enclave: stop strings in streamed text, across chunk boundaries and in any script.

import EnclaveEngine
import Testing

@Suite struct StopStringMatcherTests {
    /// Feeds the deltas and returns (every output text, the stop string, what finish() released).
    private func run(_ stops: [String], _ deltas: [String]) throws -> (texts: [String], stop: String?, rest: String) {
        var matcher = try StopStringMatcher(stopStrings: stops)
        var texts: [String] = []
        var stop: String? = nil
        for delta in deltas {
            let output = matcher.feed(delta)
            texts.append(output.text)
            if let matched = output.stopString {
                stop = matched
            }
        }
        return (texts, stop, matcher.finish())
    }

    @Test func stopStringSplitAcrossChunks() throws {
        let result = try run(["</s>"], ["Hello <", "/s", "> more", "ignored"])
        #expect(result.texts == ["Hello ", "", "", ""])
        #expect(result.stop == "</s>")
        #expect(result.rest == "")
    }

    @Test func heldBackTextIsReleasedWhenItDoesNotMatch() throws {
        let result = try run(["</s>"], ["a<", "/", "b", "c"])
        #expect(result.texts == ["a", "", "</b", "c"])
        #expect(result.stop == nil)
        let unfinished = try run(["</s>"], ["x </"])
        #expect(unfinished.texts == ["x "])
        #expect(unfinished.rest == "</")
    }

    @Test func textBeforeTheStopIsEmittedAndTheRestDropped() throws {
        let result = try run(["STOP"], ["one two STOP three"])
        #expect(result.texts == ["one two "])
        #expect(result.stop == "STOP")
    }

    @Test func overlappingPrefixes() throws {
        // "abcd" and "bcx" share "bc": "abcx" must stop at "bcx" and release "a".
        #expect(try run(["abcd", "bcx"], ["ab", "c", "x"]).texts.joined() == "a")
        #expect(try run(["abcd", "bcx"], ["ab", "c", "x"]).stop == "bcx")
        #expect(try run(["abcd", "bcx"], ["abcd"]).stop == "abcd")
        // A repeated prefix: "aab" inside "aaab".
        let repeated = try run(["aab"], ["a", "a", "a", "b"])
        #expect(repeated.texts == ["", "", "a", ""])
        #expect(repeated.stop == "aab")
    }

    @Test func theFirstCompletedStopWinsWhateverTheChunking() throws {
        let text = "xxabcdyy"
        let stops = ["bc", "abcd", "cd"]
        let whole = try run(stops, [text])
        let characters = try run(stops, text.map { String($0) })
        #expect(whole.stop == "bc")
        #expect(whole.texts.joined() == "xxa")
        #expect(characters.stop == whole.stop)
        #expect(characters.texts.joined() == whole.texts.joined())
        // Same end: the longer stop string wins.
        #expect(try run(["d", "cd"], ["abcd"]).stop == "cd")
        #expect(try run(["d", "cd"], ["abcd"]).texts == ["ab"])
    }

    @Test func multibyteText() throws {
        let emoji = try run(["👋\n"], ["hi 👋", "\nmore"])
        #expect(emoji.texts == ["hi ", ""])
        #expect(emoji.stop == "👋\n")
        let accent = try run(["é"], ["caf", "é au lait"])
        #expect(accent.texts == ["caf", ""])
        let cyrillic = try run(["Стоп"], ["Привет С", "т", "оп!"])
        #expect(cyrillic.texts == ["Привет ", "", ""])
        let notQuite = try run(["日本語"], ["日本", "人"])
        #expect(notQuite.texts == ["", "日本人"])
    }

    @Test func randomChunkingsGiveTheSameResult() throws {
        let text = "The answer is 42.\nUser: thanks\nAssistant: you're welcome"
        let stops = ["\nUser:", "Assistant:", "42!"]
        var generator = Xoshiro256StarStar(seed: 11)
        let characters = text.map { String($0) }
        for _ in 0..<50 {
            var deltas: [String] = []
            var i = 0
            while i < characters.count {
                let length = 1 + Int(generator.next() % 6)
                deltas.append(characters[i..<min(i + length, characters.count)].joined())
                i += length
            }
            let result = try run(stops, deltas)
            #expect(result.texts.joined() == "The answer is 42.")
            #expect(result.stop == "\nUser:")
        }
    }

    @Test func withoutStopStringsTextPassesThrough() throws {
        let result = try run([], ["a", "</s>", "b"])
        #expect(result.texts == ["a", "</s>", "b"])
        #expect(result.stop == nil)
    }

    @Test func invalidStopStringsAreRejected() {
        #expect(throws: SamplingError.self) { try StopStringMatcher(stopStrings: ["a", "b", "c", "d", "e"]) }
        #expect(throws: SamplingError.self) { try StopStringMatcher(stopStrings: [""]) }
        #expect(throws: SamplingError.self) {
            try StopStringMatcher(stopStrings: [String(repeating: "x", count: StopStringMatcher.maximumLength + 1)])
        }
    }
}
