// Enclave: a key hash as a configuration file writes it.

extension KeyHash {
    /// The prefix of a key hash in text.
    public static let textPrefix = "sha256:"

    /// The hash as `sha256:` and 64 lower-case hex digits: what `keys[].hash` takes, and what
    /// `printf %s "$SECRET" | sha256sum` prints after the prefix.
    public var text: String { Self.textPrefix + hex }

    /// Parses `sha256:` and 64 hex digits; `nil` for anything else.
    public init?(text: String) {
        guard text.hasPrefix(Self.textPrefix) else { return nil }
        let digits = Array(text.dropFirst(Self.textPrefix.count).lowercased().utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        guard let hash = try? KeyHash(bytes: bytes) else { return nil }
        self = hash
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
