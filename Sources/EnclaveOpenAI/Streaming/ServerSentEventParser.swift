// Enclave OpenAI dialect: reading an OpenAI event stream.

public import Foundation

/// Splits an event stream's bytes, as they arrive, into its `data:` payloads.
///
/// ```swift
/// var parser = ServerSentEventParser()
/// for payload in parser.feed(chunk) where payload != ServerSentEvents.donePayload { ... }
/// ```
public struct ServerSentEventParser: Sendable {
    private var buffer = Data()

    /// A parser with nothing buffered.
    public init() {}

    /// The payloads of the complete `data:` lines in `chunk` (and what was buffered before it).
    public mutating func feed(_ chunk: Data) -> [String] {
        buffer.append(chunk)
        var payloads: [String] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let lineData = buffer[buffer.startIndex..<newline]
            buffer.removeSubrange(buffer.startIndex...newline)
            var line = String(decoding: lineData, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.hasPrefix("data:") {
                payloads.append(String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces))
            }
        }
        return payloads
    }

    /// One stream payload: a chunk, or the error that ended the stream.
    /// - Throws: ``OpenAIError`` for an error event, `DecodingError` for a payload that is neither.
    public static func decode<Chunk: Decodable>(_ payload: String, as type: Chunk.Type) throws -> Chunk {
        let data = Data(payload.utf8)
        if let error = OpenAIError.decode(data, status: 200) { throw error }
        return try JSONDecoder().decode(Chunk.self, from: data)
    }
}
