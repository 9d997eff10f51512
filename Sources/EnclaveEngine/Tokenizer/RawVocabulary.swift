// Enclave: the vocabulary arrays as read from GGUF metadata, before any processing.

/// The token texts (also as flat UTF-8 bytes), scores and types read from the metadata.
struct RawVocabulary {
    var texts: [String]
    var bytes: [UInt8]
    /// `offsets[i]..<offsets[i + 1]` is token i's text in `bytes`.
    var offsets: [Int32]
    var scores: [Float]?
    var types: [Int]?
}
