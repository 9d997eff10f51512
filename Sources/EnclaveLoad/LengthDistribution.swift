// Enclave load: a length (prompt words, output tokens) that is fixed or drawn from a distribution.

import Foundation

/// How long each request's prompt or answer is: `128` (fixed), `32:256` (uniform, both ends included) or
/// `normal:128,32` (normal with mean and standard deviation, at least 1).
public enum LengthDistribution: Sendable, Equatable, CustomStringConvertible {
    /// Always this length.
    case fixed(Int)
    /// Uniform over the closed range.
    case uniform(ClosedRange<Int>)
    /// Normal, rounded, at least 1.
    case normal(mean: Double, deviation: Double)

    /// Parses `128`, `32:256` or `normal:128,32`.
    /// - Throws: `LoadConfigurationError` naming `option` when the text is none of these or a length is not positive.
    public init(parsing text: String, option: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let problem = LoadConfigurationError(
            "\(option) needs a positive integer, a range MIN:MAX or normal:MEAN,DEVIATION; got '\(text)'"
        )
        if trimmed.hasPrefix("normal:") {
            let parts = trimmed.dropFirst("normal:".count).split(separator: ",")
            guard parts.count == 2, let mean = Double(parts[0]), let deviation = Double(parts[1]), mean >= 1, deviation >= 0
            else { throw problem }
            self = .normal(mean: mean, deviation: deviation)
        } else if let colon = trimmed.firstIndex(of: ":") {
            guard let low = Int(trimmed[..<colon]), let high = Int(trimmed[trimmed.index(after: colon)...]), low >= 1, high >= low
            else { throw problem }
            self = .uniform(low...high)
        } else {
            guard let value = Int(trimmed), value >= 1 else { throw problem }
            self = .fixed(value)
        }
    }

    /// One length drawn with `generator`.
    public func sample(using generator: inout SeededGenerator) -> Int {
        switch self {
        case .fixed(let value):
            return value
        case .uniform(let range):
            return range.lowerBound + Int(generator.next() % UInt64(range.count))
        case .normal(let mean, let deviation):
            // Box-Muller.
            let u1 = max(generator.nextUnit(), 1e-12)
            let u2 = generator.nextUnit()
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return max(1, Int((mean + deviation * z).rounded()))
        }
    }

    /// The text it was parsed from, normalised.
    public var description: String {
        switch self {
        case .fixed(let value): "\(value)"
        case .uniform(let range): "\(range.lowerBound):\(range.upperBound)"
        case .normal(let mean, let deviation): "normal:\(mean),\(deviation)"
        }
    }
}
