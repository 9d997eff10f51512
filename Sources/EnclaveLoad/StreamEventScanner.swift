// Enclave load: an incremental, allocation-light reader of OpenAI Server-Sent Events.

/// Splits a `text/event-stream` body, fed in arbitrary pieces, into its `data:` payloads, and classifies each
/// payload without decoding all of it: the end marker, a chunk carrying text, a chunk carrying usage, an error.
///
/// Only chunks that carry usage or an error are decoded as JSON; content chunks are recognised by looking for a
/// non-empty `"content"`, `"reasoning_content"` or `"text"` string, so the scanner costs little per token.
public struct StreamEventScanner: Sendable {
    /// What one `data:` payload meant.
    public enum Event: Sendable, Equatable {
        /// A chunk with at least one character of answer text.
        case token
        /// A chunk without text (the role, a finish reason).
        case empty
        /// Usage: prompt and completion tokens.
        case usage(prompt: Int?, completion: Int?)
        /// An error object inside the stream, with its message.
        case error(String)
        /// `data: [DONE]`.
        case done
    }

    private var line: [UInt8] = []

    /// A scanner at the start of a stream.
    public init() {}

    /// Feeds the next bytes of the body and calls `handle` for every complete event in them, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>, _ handle: (Event) -> Void) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if let event = Self.classifyLine(line) { handle(event) }
                line.removeAll(keepingCapacity: true)
            } else if byte != UInt8(ascii: "\r") {
                line.append(byte)
            }
        }
    }

    /// Ends the stream, handling a last line that had no newline.
    public mutating func finish(_ handle: (Event) -> Void) {
        if let event = Self.classifyLine(line) { handle(event) }
        line.removeAll()
    }

    static func classifyLine(_ line: [UInt8]) -> Event? {
        let prefix = Array("data:".utf8)
        guard line.count >= prefix.count, line.starts(with: prefix) else { return nil }
        var start = prefix.count
        while start < line.count, line[start] == UInt8(ascii: " ") { start += 1 }
        return classify(line[start...])
    }

    /// The meaning of one payload (the text after `data:`).
    public static func classify(_ payload: ArraySlice<UInt8>) -> Event {
        if payload.elementsEqual("[DONE]".utf8) { return .done }
        if JSONProbe.hasNonEmptyString(payload, key: "content") || JSONProbe.hasNonEmptyString(payload, key: "reasoning_content")
            || JSONProbe.hasNonEmptyString(payload, key: "text")
        {
            return .token
        }
        if JSONProbe.contains(payload, "\"usage\""), let usage = JSONProbe.usage(payload) { return usage }
        if JSONProbe.contains(payload, "\"error\""), let message = JSONProbe.errorMessage(payload) { return .error(message) }
        return .empty
    }
}
