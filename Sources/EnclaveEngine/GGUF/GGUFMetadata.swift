// Enclave: GGUF key-value metadata with typed accessors.

/// The key-value metadata of a GGUF file, in file order, with typed accessors.
public struct GGUFMetadata: Sendable {
    /// Keys in the order the file lists them.
    public let keys: [String]
    private let values: [String: GGUFValue]
    let file: String

    init(keys: [String], values: [String: GGUFValue], file: String) {
        self.keys = keys
        self.values = values
        self.file = file
    }

    /// The raw value for `key`.
    public subscript(key: String) -> GGUFValue? { values[key] }

    /// An integer value, accepting any integer type.
    public func int(_ key: String) -> Int? { values[key]?.intValue }
    /// A floating-point value.
    public func double(_ key: String) -> Double? { values[key]?.doubleValue }
    /// A Boolean value.
    public func bool(_ key: String) -> Bool? { values[key]?.boolValue }
    /// A string value.
    public func string(_ key: String) -> String? { values[key]?.stringValue }

    /// A required integer that must lie in `range`.
    /// - Throws: ``GGUFError`` naming the key when it is absent, not an integer, or out of range.
    public func requireInt(_ key: String, in range: ClosedRange<Int> = 1...Int(Int32.max)) throws -> Int {
        guard let raw = values[key] else {
            throw GGUFError(.missing, "required metadata key '\(key)' is missing", file: file)
        }
        guard let value = raw.intValue else {
            throw GGUFError(.corrupt, "metadata key '\(key)' should be an integer but is \(raw)", file: file)
        }
        guard range.contains(value) else {
            throw GGUFError(.corrupt, "metadata key '\(key)' = \(value) is outside \(range.lowerBound)...\(range.upperBound)", file: file)
        }
        return value
    }

    /// An optional integer that, when present, must lie in `range`.
    public func optionalInt(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard values[key] != nil else { return nil }
        return try requireInt(key, in: range)
    }

    /// An optional float that, when present, must be finite and lie in `range`.
    public func optionalDouble(_ key: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let raw = values[key] else { return nil }
        guard let value = raw.doubleValue, value.isFinite, range.contains(value) else {
            throw GGUFError(.corrupt, "metadata key '\(key)' = \(raw) is not a number in \(range.lowerBound)...\(range.upperBound)", file: file)
        }
        return value
    }

    /// A string array, or nil if absent.
    /// - Throws: if the key holds something other than an array of strings.
    public func stringArray(_ key: String) throws -> [String]? {
        guard let raw = values[key] else { return nil }
        guard case .array(let items) = raw else {
            throw GGUFError(.corrupt, "metadata key '\(key)' should be an array of strings", file: file)
        }
        var out = [String]()
        out.reserveCapacity(items.count)
        for item in items {
            guard case .string(let s) = item else {
                throw GGUFError(.corrupt, "metadata key '\(key)' should be an array of strings", file: file)
            }
            out.append(s)
        }
        return out
    }

    /// A numeric array as `Float`, or nil if absent.
    public func floatArray(_ key: String) throws -> [Float]? {
        guard let raw = values[key] else { return nil }
        guard case .array(let items) = raw else {
            throw GGUFError(.corrupt, "metadata key '\(key)' should be a numeric array", file: file)
        }
        var out = [Float]()
        out.reserveCapacity(items.count)
        for item in items {
            guard let v = item.doubleValue else {
                throw GGUFError(.corrupt, "metadata key '\(key)' should be a numeric array", file: file)
            }
            out.append(Float(v))
        }
        return out
    }

    /// An integer array, or nil if absent.
    public func intArray(_ key: String) throws -> [Int]? {
        guard let raw = values[key] else { return nil }
        guard case .array(let items) = raw else {
            throw GGUFError(.corrupt, "metadata key '\(key)' should be an integer array", file: file)
        }
        var out = [Int]()
        out.reserveCapacity(items.count)
        for item in items {
            guard let v = item.intValue else {
                throw GGUFError(.corrupt, "metadata key '\(key)' should be an integer array", file: file)
            }
            out.append(v)
        }
        return out
    }
}
