// Enclave OpenAI dialect: decoding client-supplied numbers with their ranges.

/// The documented range of a numeric request parameter, used both to decode it (a number that does not
/// fit, such as `2.5` for an integer, `2^64` or `1e400`, is refused naming the field and this range) and to
/// check it.
public struct NumericRange: Sendable, Hashable {
    /// The smallest value allowed.
    public var lower: Double
    /// The largest value allowed.
    public var upper: Double
    /// Whether `lower` itself is excluded (`top_p` must be greater than 0).
    public var excludesLower: Bool
    /// The bounds of an integer range; `nil` for a range of numbers.
    public var integerBounds: ClosedRange<Int64>?

    /// Whether only whole numbers are allowed.
    public var integral: Bool { integerBounds != nil }

    /// An integer range.
    public static func integer(_ range: ClosedRange<Int64>) -> NumericRange {
        NumericRange(lower: Double(range.lowerBound), upper: Double(range.upperBound), excludesLower: false, integerBounds: range)
    }

    /// A range of numbers.
    public static func number(_ range: ClosedRange<Double>, excludingLower: Bool = false) -> NumericRange {
        NumericRange(lower: range.lowerBound, upper: range.upperBound, excludesLower: excludingLower, integerBounds: nil)
    }

    /// Whether `value` is inside the range.
    public func contains(_ value: Double) -> Bool {
        value.isFinite && (excludesLower ? value > lower : value >= lower) && value <= upper
    }

    /// "an integer from 1 to 128", "a number greater than 0 and at most 1", ...
    public var phrase: String {
        if let bounds = integerBounds {
            if bounds.upperBound == .max && bounds.lowerBound != .min { return "an integer of at least \(bounds.lowerBound)" }
            return "an integer from \(bounds.lowerBound) to \(bounds.upperBound)"
        }
        if excludesLower { return "a number greater than \(Self.format(lower)) and at most \(Self.format(upper))" }
        return "a number from \(Self.format(lower)) to \(Self.format(upper))"
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension NumericRange {
    /// `temperature`: 0 to 2.
    public static let temperature = NumericRange.number(0...2)
    /// `top_p`: above 0, at most 1.
    public static let topP = NumericRange.number(0...1, excludingLower: true)
    /// `presence_penalty` and `frequency_penalty`: -2 to 2.
    public static let penalty = NumericRange.number(-2...2)
    /// `max_tokens` and `max_completion_tokens`: at least 1 (the server's cap and the model's context are
    /// checked later).
    public static let maxTokens = NumericRange.integer(1...Int64.max)
    /// `n`: 1 to 128 as OpenAI documents (Enclave serves 1).
    public static let n = NumericRange.integer(1...128)
    /// `best_of`: 0 to 20 as OpenAI documents (Enclave serves 1).
    public static let bestOf = NumericRange.integer(0...20)
    /// `seed`: a signed 64-bit integer.
    public static let seed = NumericRange.integer(Int64.min...Int64.max)
    /// Chat's `top_logprobs`: 0 to 20.
    public static let topLogprobs = NumericRange.integer(0...20)
    /// Completions' `logprobs`: 0 to 5.
    public static let completionLogprobs = NumericRange.integer(0...5)
}

extension KeyedDecodingContainer {
    /// An optional integer parameter; `nil` when absent or `null`.
    /// - Throws: `DecodingError` at the key's path naming the range, for a value of another type, a
    ///   fraction, a number outside the range or one too large to represent.
    func decodeInteger(forKey key: Key, in range: NumericRange) throws -> Int? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let value = try? decode(Int64.self, forKey: key) {
            guard range.integerBounds?.contains(value) ?? range.contains(Double(value)), let int = Int(exactly: value) else {
                throw outOfRange(key, range, got: String(value))
            }
            return int
        }
        if let value = try? decode(Double.self, forKey: key) {
            throw outOfRange(key, range, got: String(value))
        }
        throw notANumber(key, range)
    }

    /// An optional number parameter; `nil` when absent or `null`.
    /// - Throws: `DecodingError` at the key's path naming the range.
    func decodeNumber(forKey key: Key, in range: NumericRange) throws -> Double? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        // A literal below the smallest double (1e-400) only decodes as an integer: it is 0.
        guard let value = (try? decode(Double.self, forKey: key)) ?? (try? decode(Int64.self, forKey: key)).map(Double.init) else {
            throw notANumber(key, range)
        }
        guard range.contains(value) else { throw outOfRange(key, range, got: String(value)) }
        return value
    }

    private func outOfRange(_ key: Key, _ range: NumericRange, got value: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: "must be \(range.phrase), got \(value)"))
    }

    /// A string, a boolean, an object... or a number too large for any numeric type (`1e400`).
    private func notANumber(_ key: Key, _ range: NumericRange) -> DecodingError {
        let isOtherType =
            (try? decode(String.self, forKey: key)) != nil || (try? decode(Bool.self, forKey: key)) != nil
            || (try? decode([JSONValue].self, forKey: key)) != nil || (try? decode([String: JSONValue].self, forKey: key)) != nil
        let problem = isOtherType ? "must be \(range.phrase)" : "must be \(range.phrase), got a number out of range"
        return .dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: problem))
    }
}
