// Enclave: one symbol of a word during BPE or SentencePiece merging.

/// One symbol of a word being merged: a byte range of the word, linked to its neighbours.
struct MergeSymbol {
    var start: Int32
    var length: Int32
    var prev: Int32
    var next: Int32
    /// The token this symbol is, or -1 if it is not (yet) a vocabulary entry.
    var id: Int32
}
