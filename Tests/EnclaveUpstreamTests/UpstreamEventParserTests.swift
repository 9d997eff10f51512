// Enclave upstream: tests of the incremental event-stream parser.

import EnclaveUpstream
import Testing

@Suite struct UpstreamEventParserTests {
    func text(_ payloads: [[UInt8]]) -> [String] { payloads.map { String(decoding: $0, as: UTF8.self) } }

    @Test func payloadsComeOutWhateverTheChunking() throws {
        let stream = "data: {\"a\":1}\n\n: keep-alive\n\ndata: {\"b\":2}\r\n\r\nevent: x\ndata: [DONE]\n\n"
        let bytes = Array(stream.utf8)
        for size in [1, 2, 3, 7, bytes.count] {
            var parser = UpstreamEventParser()
            var payloads: [[UInt8]] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + size)
                payloads += try parser.feed(bytes[start..<end])
                start = end
            }
            #expect(text(payloads) == [#"{"a":1}"#, #"{"b":2}"#, "[DONE]"], "chunks of \(size)")
        }
    }

    @Test func multilineDataIsJoinedAndAnUnterminatedEventIsFinished() throws {
        var parser = UpstreamEventParser()
        #expect(try parser.feed(Array("data: one\ndata:two\n\ndata: last".utf8)).count == 1)
        #expect(parser.finish().map { String(decoding: $0, as: UTF8.self) } == "last")
        var other = UpstreamEventParser()
        #expect(text(try other.feed(Array("data: one\ndata:two\n\n".utf8))) == ["one\ntwo"])
    }

    @Test func anOverlongLineIsAnError() {
        var parser = UpstreamEventParser(maxLineBytes: 16)
        #expect(throws: UpstreamEventParser.Failure.self) { try parser.feed(Array(repeating: UInt8(ascii: "x"), count: 17)) }
    }
}
