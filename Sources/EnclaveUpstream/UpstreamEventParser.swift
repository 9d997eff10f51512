// Enclave upstream: cutting an upstream's event stream into its `data:` payloads, as bytes arrive.

/// Splits a `text/event-stream` body into the payloads of its events, whatever the chunking of the bytes:
/// lines end with LF or CRLF, an event ends at a blank line, its `data:` lines are joined with LF, and
/// comments (`:`), `event:`, `id:` and `retry:` lines are skipped. A payload is returned as soon as its
/// event ends, so nothing waits for the whole answer.
///
/// ```swift
/// var parser = UpstreamEventParser()
/// for payload in parser.feed(Array(buffer.readableBytesView)) { ... }
/// ```
public struct UpstreamEventParser: Sendable {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    /// The longest line kept; a longer one is an error (an upstream gone wrong must not exhaust memory).
    public let maxLineBytes: Int

    /// Why a stream cannot be parsed.
    public struct Failure: Error, Sendable, Hashable {
        /// What is wrong.
        public let message: String
    }

    /// Creates a parser.
    public init(maxLineBytes: Int = 8 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    /// The payloads of the events that `bytes` completes.
    /// - Throws: ``Failure`` when a line exceeds ``maxLineBytes``.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(Failure) -> [[UInt8]] {
        var payloads: [[UInt8]] = []
        for byte in bytes {
            guard byte == UInt8(ascii: "\n") else {
                line.append(byte)
                guard line.count <= maxLineBytes else { throw Failure(message: "an event stream line is over \(maxLineBytes) bytes") }
                continue
            }
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if line.isEmpty {
                if hasData { payloads.append(data) }
                data.removeAll(keepingCapacity: true)
                hasData = false
            } else {
                take(line)
            }
            line.removeAll(keepingCapacity: true)
        }
        return payloads
    }

    /// The payload of an event the stream ended without its blank line, if any.
    public mutating func finish() -> [UInt8]? {
        if !line.isEmpty {
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            take(line)
            line.removeAll()
        }
        defer {
            data.removeAll()
            hasData = false
        }
        return hasData ? data : nil
    }

    private mutating func take(_ line: [UInt8]) {
        let prefix: [UInt8] = Array("data:".utf8)
        guard line.count >= prefix.count, line.starts(with: prefix) else { return }
        var value = line[prefix.count...]
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        if hasData { data.append(UInt8(ascii: "\n")) }
        data.append(contentsOf: value)
        hasData = true
    }
}
