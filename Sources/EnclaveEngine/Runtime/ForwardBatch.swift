// Enclave: the tokens of one forward step.

/// The tokens of one forward step, possibly from several sequences at different positions.
///
/// Each token names its sequence (an index into ``blockTables``) and its position in it; the
/// sequence's KV blocks must already cover that position. The forward pass writes every token's
/// keys and values into the cache before attending, so a prompt chunk attends to itself causally.
public struct ForwardBatch: Sendable {
    /// Token ids.
    public var tokens: [Int32] = []
    /// Position of each token in its sequence.
    public var positions: [Int] = []
    /// Sequence index (into `blockTables`) of each token.
    public var sequences: [Int] = []
    /// KV block table of each sequence: block `i` holds positions `i*blockSize ..< (i+1)*blockSize`.
    public var blockTables: [[Int32]] = []
    /// Batch rows whose final hidden state is wanted (for logits), in the order they are returned.
    public var outputRows: [Int] = []

    public init() {}

    /// Number of tokens.
    public var count: Int { tokens.count }

    /// Adds a sequence's block table and returns its index.
    public mutating func addSequence(blocks: [Int32]) -> Int {
        blockTables.append(blocks)
        return blockTables.count - 1
    }

    /// Adds a token; returns its batch row.
    @discardableResult
    public mutating func add(token: Int32, position: Int, sequence: Int, output: Bool) -> Int {
        tokens.append(token)
        positions.append(position)
        sequences.append(sequence)
        if output { outputRows.append(tokens.count - 1) }
        return tokens.count - 1
    }

    /// Empties the batch, keeping its storage.
    public mutating func removeAll() {
        tokens.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        sequences.removeAll(keepingCapacity: true)
        blockTables.removeAll(keepingCapacity: true)
        outputRows.removeAll(keepingCapacity: true)
    }
}
