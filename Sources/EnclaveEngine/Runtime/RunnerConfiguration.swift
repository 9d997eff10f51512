// Enclave: settings of the batch runner.

/// Settings of a ``BatchRunner``.
public struct RunnerConfiguration: Sendable, Hashable {
    /// Threads for the matrix products (the runner thread plus `threads - 1` workers).
    public var threads: Int
    /// Memory for the KV cache, in bytes. Requests wait when it is full.
    public var kvBudgetBytes: Int
    /// Longest sequence (prompt plus generated tokens); at most the model's trained context.
    public var contextLength: Int
    /// Most tokens in one forward step (prefill chunks plus one token per decoding sequence).
    public var maxBatchTokens: Int
    /// Most sequences decoding at once.
    public var maxSequences: Int
    /// Most prompt tokens a step prefills while other sequences are decoding, so that a long
    /// prompt never freezes the streams of others.
    public var prefillChunkWhileDecoding: Int
    /// Positions per KV block (the unit of prefix sharing).
    public var blockSize: Int
    /// How matrix-product inputs are quantised.
    public var activationPrecision: ActivationPrecision

    public init(
        threads: Int = RunnerConfiguration.defaultThreads,
        kvBudgetBytes: Int = 512 << 20,
        contextLength: Int = 4096,
        maxBatchTokens: Int = 512,
        maxSequences: Int = 16,
        prefillChunkWhileDecoding: Int = 64,
        blockSize: Int = 16,
        activationPrecision: ActivationPrecision = .int16
    ) {
        self.threads = threads
        self.kvBudgetBytes = kvBudgetBytes
        self.contextLength = contextLength
        self.maxBatchTokens = maxBatchTokens
        self.maxSequences = maxSequences
        self.prefillChunkWhileDecoding = prefillChunkWhileDecoding
        self.blockSize = blockSize
        self.activationPrecision = activationPrecision
    }

    /// The number of CPU cores available to this process.
    public static var defaultThreads: Int { max(1, ProcessInfoCores.count) }
}
