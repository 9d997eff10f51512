// Enclave: stops streamed text at a stop string without ever sending part of one.

/// Watches streamed text for stop strings (OpenAI's `stop`). Feed it each text delta as it is decoded; it returns the
/// text that is safe to send now and holds back any trailing text that could be the start of a stop string, until
/// later text settles it.
///
/// When a stop string appears, the text before it is released and the stop string and everything after it are
/// dropped; the matcher then reports ``Output/stopString`` and ignores further input. If several stop strings could
/// match, the one that is completed first in the text wins (for two ending at the same place, the longer one), so
/// the result does not depend on how the text was split into deltas. Matching compares Unicode scalars, so it never
/// splits a character's UTF-8 bytes and works for any script.
///
/// ```swift
/// var matcher = try StopStringMatcher(stopStrings: ["\nUser:"])
/// for delta in deltas {
///     let output = matcher.feed(delta)
///     send(output.text)
///     if output.stopString != nil { break }
/// }
/// send(matcher.finish())   // at the end of generation, release what was held back
/// ```
public struct StopStringMatcher: Sendable {
    /// What the matcher releases for one delta.
    public struct Output: Sendable, Hashable {
        /// Text that is safe to send now (possibly empty).
        public var text: String
        /// The stop string that matched, if generation should stop now.
        public var stopString: String?
    }

    /// The largest number of stop strings accepted (OpenAI's limit).
    public static let maximumCount = 4
    /// The longest stop string accepted, in Unicode scalars.
    public static let maximumLength = 1024

    /// The stop strings, in the order given.
    public let stopStrings: [String]
    private let patterns: [[Unicode.Scalar]]
    private var pending: [Unicode.Scalar] = []
    /// The stop string that matched, once one has.
    public private(set) var matched: String?

    /// Creates a matcher.
    /// - Parameter stopStrings: Up to four non-empty strings of at most 1024 Unicode scalars each. Duplicates are
    ///   allowed. An empty list never stops.
    /// - Throws: ``SamplingError`` (``SamplingError/Code/invalidParameter``) for too many, empty or too long strings.
    public init(stopStrings: [String]) throws(SamplingError) {
        guard stopStrings.count <= Self.maximumCount else {
            throw SamplingError(
                .invalidParameter,
                "at most \(Self.maximumCount) stop strings are allowed, got \(stopStrings.count)",
                parameter: "stop"
            )
        }
        for stop in stopStrings {
            let length = stop.unicodeScalars.count
            guard length >= 1, length <= Self.maximumLength else {
                throw SamplingError(
                    .invalidParameter,
                    "stop strings must be 1...\(Self.maximumLength) characters long, got \(length)",
                    parameter: "stop"
                )
            }
        }
        self.stopStrings = stopStrings
        patterns = stopStrings.map { Array($0.unicodeScalars) }
        pending.reserveCapacity(2 * (patterns.map(\.count).max() ?? 0) + 64)
    }

    /// Whether a stop string has matched.
    public var isStopped: Bool { matched != nil }

    /// Adds decoded text and returns what may be sent now.
    /// - Parameter delta: The next piece of generated text.
    public mutating func feed(_ delta: String) -> Output {
        guard matched == nil else { return Output(text: "", stopString: nil) }
        guard !patterns.isEmpty else { return Output(text: delta, stopString: nil) }
        pending.append(contentsOf: delta.unicodeScalars)
        if let (start, index) = firstMatch() {
            matched = stopStrings[index]
            let text = Self.string(pending[..<start])
            pending.removeAll()
            return Output(text: text, stopString: matched)
        }
        let keep = heldBackLength()
        let text = Self.string(pending[..<(pending.count - keep)])
        pending.removeFirst(pending.count - keep)
        return Output(text: text, stopString: nil)
    }

    /// Ends the stream: returns the text still held back (it did not turn into a stop string). Empty after a match.
    public mutating func finish() -> String {
        let text = matched == nil ? Self.string(pending[...]) : ""
        pending.removeAll()
        return text
    }

    /// The occurrence that ends first (ties: the longer stop string): its start and the stop string's index.
    private func firstMatch() -> (start: Int, index: Int)? {
        var best: (start: Int, end: Int, index: Int)? = nil
        for (index, pattern) in patterns.enumerated() where pattern.count <= pending.count {
            for start in 0...(pending.count - pattern.count) {
                let end = start + pattern.count
                if let current = best, end > current.end || (end == current.end && start >= current.start) { break }
                if pending[start..<end].elementsEqual(pattern) {
                    best = (start, end, index)
                    break
                }
            }
        }
        return best.map { ($0.start, $0.index) }
    }

    /// The length of the longest suffix of the pending text that is a proper prefix of some stop string.
    private func heldBackLength() -> Int {
        var longest = 0
        for pattern in patterns {
            var length = min(pattern.count - 1, pending.count)
            while length > longest {
                if pending[(pending.count - length)...].elementsEqual(pattern[..<length]) {
                    longest = length
                    break
                }
                length -= 1
            }
        }
        return longest
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
