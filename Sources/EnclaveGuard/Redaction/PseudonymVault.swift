// Enclave guardrails: one request's placeholders and, when pseudonymising, the values behind them.

/// The placeholders of one request: numbered per entity (`[EMAIL_1]`, `[EMAIL_2]`), the same value always
/// getting the same placeholder in every turn of the request.
///
/// In ``RedactionMode/pseudonymise`` mode the vault keeps each value so the answer can have it back; in
/// ``RedactionMode/mask`` mode it keeps only a salted hash of it (enough to reuse the placeholder, not to
/// recover the value). A vault lives as long as its request and is never stored or logged.
///
/// Placeholder-shaped text already in the request (a user typing `[EMAIL_1]`) is reserved first
/// (``reservePlaceholders(in:)``): the vault never issues a placeholder the request already contains, so a
/// placeholder in the answer is restored only if the vault issued it, and typed ones stay as typed.
public struct PseudonymVault: Sendable {
    private struct Key: Hashable {
        var entity: GuardEntity
        var value: String
    }

    /// How the vault redacts.
    public let mode: RedactionMode
    private let salt: UInt64
    private var counters: [String: Int] = [:]
    private var reserved: Set<String> = []
    /// Pseudonymise mode: the values of the request, by entity and value.
    private var pseudonyms: [Key: String] = [:]
    /// Pseudonymise mode: the value behind each restorable placeholder.
    private var originals: [String: String] = [:]
    /// Salted hashes of masked values (mask mode, and new values masked in an answer).
    private var masked: [Int: String] = [:]

    /// Creates an empty vault; `salt` keys the hashes of masked values (random unless given).
    public init(mode: RedactionMode, salt: UInt64 = UInt64.random(in: .min ... .max)) {
        self.mode = mode
        self.salt = salt
    }

    /// Whether an answer may contain placeholders to restore.
    public var hasRestorableValues: Bool { !originals.isEmpty }

    /// The number of placeholders issued.
    public var issuedCount: Int { counters.values.reduce(0, +) }

    /// Marks every placeholder-shaped text in `text` as taken, so that the vault never issues it.
    public mutating func reservePlaceholders(in text: String) {
        let bytes = Array(text.utf8)
        for range in PlaceholderSyntax.occurrences(in: bytes, 0..<bytes.count) {
            reserved.insert(String(decoding: bytes[range], as: UTF8.self))
        }
    }

    /// The placeholder for `value` found in the request: the one it already has, or the next free number
    /// of `entity`'s label. In pseudonymise mode the value is kept for ``original(of:)``.
    public mutating func placeholder(for value: String, entity: GuardEntity) -> String {
        switch mode {
        case .mask:
            return maskedPlaceholder(for: value, entity: entity)
        case .pseudonymise:
            let key = Key(entity: entity, value: value)
            if let existing = pseudonyms[key] { return existing }
            let placeholder = nextPlaceholder(entity)
            pseudonyms[key] = placeholder
            originals[placeholder] = value
            return placeholder
        }
    }

    /// The placeholder for `value` found in the model's answer, or `nil` to leave it: in pseudonymise mode a
    /// value the request itself contained is the user's own and stays; any other value is masked (numbered
    /// after the request's placeholders, never restored).
    public mutating func answerPlaceholder(for value: String, entity: GuardEntity) -> String? {
        if mode == .pseudonymise, pseudonyms[Key(entity: entity, value: value)] != nil { return nil }
        return maskedPlaceholder(for: value, entity: entity)
    }

    /// The value behind a placeholder this vault issued in pseudonymise mode, else `nil`.
    public func original(of placeholder: String) -> String? { originals[placeholder] }

    private mutating func maskedPlaceholder(for value: String, entity: GuardEntity) -> String {
        var hasher = Hasher()
        hasher.combine(salt)
        hasher.combine(entity)
        hasher.combine(value)
        let digest = hasher.finalize()
        if let existing = masked[digest] { return existing }
        let placeholder = nextPlaceholder(entity)
        masked[digest] = placeholder
        return placeholder
    }

    private mutating func nextPlaceholder(_ entity: GuardEntity) -> String {
        let label = entity.placeholderLabel
        var number = counters[label, default: 0]
        var placeholder: String
        repeat {
            number += 1
            placeholder = PlaceholderSyntax.format(label: label, number: number)
        } while reserved.contains(placeholder)
        counters[label] = number
        return placeholder
    }
}

extension PseudonymVault: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The mode and the number of placeholders, never the values (a vault printed by mistake leaks nothing).
    public var description: String { "PseudonymVault(mode: \(mode), placeholders: \(issuedCount))" }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["mode": mode, "placeholders": issuedCount]) }
}
