// Enclave guardrails: matching word patterns ("ignore ~3 previous|prior ~3 instructions") over a word stream.

/// A set of phrase patterns compiled to word hashes. A pattern is written as slots separated by spaces:
/// each slot is one word or alternatives joined by `|`; a slot written `~N` lets up to N arbitrary words
/// come before the next slot (`~` alone is `~3`). Words are written folded (lower case).
///
/// ```swift
/// let matcher = PhraseMatcher([("ignore ~ previous|prior ~ instructions|rules", 0.9, "override")])
/// ```
struct PhraseMatcher: Sendable {
    /// A compiled pattern.
    struct Pattern: Sendable {
        /// The words each slot accepts, with the number of words that may be skipped before it.
        var slots: [(words: Set<UInt64>, gap: Int)]
        var weight: Double
        var category: String
        var source: String
    }

    /// One match: which pattern and the byte range from its first to its last word.
    struct Match {
        var pattern: Int
        var range: Range<Int>
    }

    private(set) var patterns: [Pattern] = []
    /// Pattern indices by the hash of a word their first slot accepts (an open-addressing table: the
    /// lookup runs once per word of every scanned text).
    private var firstWords = FirstWordTable()

    /// Compiles `(pattern, weight, category)` triples.
    init(_ definitions: [(String, Double, String)]) {
        for (source, weight, category) in definitions {
            var slots: [(words: Set<UInt64>, gap: Int)] = []
            var gap = 0
            for token in source.split(separator: " ") {
                if token.hasPrefix("~") {
                    gap = Int(token.dropFirst()) ?? 3
                    continue
                }
                slots.append((Set(token.split(separator: "|").map { WordStream.hash(String($0)) }), gap))
                gap = 0
            }
            guard !slots.isEmpty else { continue }
            let index = patterns.count
            patterns.append(Pattern(slots: slots, weight: weight, category: category, source: source))
            for word in slots[0].words { firstWords.insert(word, index) }
        }
        firstWords.seal()
    }

    /// Every pattern match in `stream` (a pattern may match several times).
    func matches(in stream: WordStream) -> [Match] {
        var found: [Match] = []
        let words = stream.words
        for (position, word) in words.enumerated() {
            guard let candidates = firstWords.lookup(word.hash) else { continue }
            for index in candidates {
                if let last = match(patterns[index], from: position, in: words) {
                    found.append(Match(pattern: index, range: Int(word.start)..<Int(words[last].end)))
                }
            }
        }
        return found
    }

    /// The position of the last word of `pattern` matched from `position`, or nil.
    private func match(_ pattern: Pattern, from position: Int, in words: [WordStream.Word]) -> Int? {
        var current = position
        var slot = 1
        while slot < pattern.slots.count {
            let (accepted, gap) = pattern.slots[slot]
            var next: Int?
            var candidate = current + 1
            while candidate <= current + 1 + gap, candidate < words.count {
                if accepted.contains(words[candidate].hash) {
                    next = candidate
                    break
                }
                candidate += 1
            }
            guard let next else { return nil }
            current = next
            slot += 1
        }
        return current
    }
}

/// A hash table from word hashes to pattern lists, with linear probing over a power-of-two array.
struct FirstWordTable: Sendable {
    private var entries: [UInt64: [Int]] = [:]
    private var keys: [UInt64] = []
    private var lists: [[Int]] = []
    private var slots: [Int32] = []
    private var mask = 0

    mutating func insert(_ key: UInt64, _ pattern: Int) { entries[key, default: []].append(pattern) }

    /// Builds the probing table once every pattern is in.
    mutating func seal() {
        var capacity = 16
        while capacity < entries.count * 4 { capacity *= 2 }
        mask = capacity - 1
        keys = [UInt64](repeating: 0, count: capacity)
        slots = [Int32](repeating: -1, count: capacity)
        lists = []
        for (key, patterns) in entries {
            var slot = Self.slot(key, mask)
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            keys[slot] = key
            slots[slot] = Int32(lists.count)
            lists.append(patterns)
        }
    }

    @inline(__always) private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// The patterns whose first slot accepts `key`.
    @inline(__always) func lookup(_ key: UInt64) -> [Int]? {
        guard mask > 0 else { return nil }
        var slot = Self.slot(key, mask)
        while true {
            let list = slots[slot]
            if list < 0 { return nil }
            if keys[slot] == key { return lists[Int(list)] }
            slot = (slot + 1) & mask
        }
    }
}
