// Enclave: the Unicode classes the BPE pre-tokenizer patterns use (\p{L}, \p{N}, \s).

/// Classifies scalars as letters (`\p{L}`: Lu, Ll, Lt, Lm, Lo), numbers (`\p{N}`: Nd, Nl, No) or
/// whitespace (`\s`: the Unicode White_Space property, the same set llama.cpp uses).
enum ScalarClass {
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let whitespace: UInt8 = 4

    private static let ascii: [UInt8] = (0..<128).map { classify(Unicode.Scalar(UInt8($0))) }

    /// The class bits of a scalar value (0 for anything else, including invalid values).
    @inline(__always)
    static func of(_ value: UInt32) -> UInt8 {
        if value < 128 { return ascii[Int(value)] }
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        return classify(scalar)
    }

    private static func classify(_ scalar: Unicode.Scalar) -> UInt8 {
        let properties = scalar.properties
        if properties.isWhitespace { return whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return number
        default:
            return 0
        }
    }
}
