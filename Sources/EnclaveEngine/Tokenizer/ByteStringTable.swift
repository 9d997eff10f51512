// Enclave: an open-addressing hash table from byte strings to token ids.

/// Maps the UTF-8 bytes of token texts to token ids without building `String`s in the hot path.
///
/// The texts live in one flat byte buffer (`bytes`, with `offsets[i]..<offsets[i + 1]` for token i).
/// Slots hold token ids; a lookup hashes the query bytes, probes linearly and compares bytes.
/// When two tokens have the same text, the lower id wins.
struct ByteStringTable: Sendable {
    private let slots: [Int32]
    private let slotHashes: [UInt32]
    private let mask: Int
    let bytes: [UInt8]
    let offsets: [Int32]

    /// Builds the table over the `offsets.count - 1` texts stored in `bytes`. A text that repeats a lower
    /// id's text is not added, so lookups find the lower id.
    init(bytes: [UInt8], offsets: [Int32]) {
        let count = offsets.count - 1
        var capacity = 16
        while capacity < count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        var slotHashes = [UInt32](repeating: 0, count: capacity)
        let mask = capacity - 1
        bytes.withUnsafeBufferPointer { all in
            for id in 0..<count {
                let text = UnsafeBufferPointer(rebasing: all[Int(offsets[id])..<Int(offsets[id + 1])])
                let h = Self.hash(text)
                var slot = Int(truncatingIfNeeded: h) & mask
                var duplicate = false
                while slots[slot] >= 0 {
                    let other = Int(slots[slot])
                    if slotHashes[slot] == h {
                        let otherText = UnsafeBufferPointer(rebasing: all[Int(offsets[other])..<Int(offsets[other + 1])])
                        if Self.equal(otherText, text) {
                            duplicate = true
                            break
                        }
                    }
                    slot = (slot + 1) & mask
                }
                if !duplicate {
                    slots[slot] = Int32(id)
                    slotHashes[slot] = h
                }
            }
        }
        self.slots = slots
        self.slotHashes = slotHashes
        self.mask = mask
        self.bytes = bytes
        self.offsets = offsets
    }

    /// The id of the token whose text is exactly `key`, or -1.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = Self.hash(key)
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            slotHashes.withUnsafeBufferPointer { hashes in
                bytes.withUnsafeBufferPointer { b in
                    while true {
                        let id = slots[slot]
                        if id < 0 { return -1 }
                        if hashes[slot] == h
                            && Self.equal(UnsafeBufferPointer(rebasing: b[Int(offsets[Int(id)])..<Int(offsets[Int(id) + 1])]), key)
                        {
                            return id
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// The id of the token whose text is exactly `key`, or -1.
    func find(_ key: [UInt8]) -> Int32 {
        key.withUnsafeBufferPointer { find($0) }
    }

    /// The id of the token whose text is exactly `text`, or -1.
    func find(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { find($0) }
    }

    /// FNV-1a over the bytes, folded to 32 bits.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 32
        return UInt32(truncatingIfNeeded: h)
    }

    @inline(__always)
    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }
}
