// Enclave guardrails: a micro benchmark of the stream filter, for a bench command to call.

/// Times the ``StreamingGuard`` on an answer cut into token-sized chunks, with a given scanner and policy,
/// against the same chunks passed through an unfiltered loop: the figure to compare with the time a model
/// takes to decode one token.
///
/// ```swift
/// let result = StreamingGuardBenchmark().run(policy: .standard, scanner: GuardScanner())
/// print(result.nanosecondsPerChunk, result.share(ofTokensPerSecond: 150))
/// ```
public struct StreamingGuardBenchmark: Sendable {
    /// The figures of one run.
    public struct Result: Sendable, Hashable, Codable {
        /// Chunks per answer.
        public var chunks: Int
        /// UTF-8 bytes per answer.
        public var bytes: Int
        /// Times the answer was filtered.
        public var repetitions: Int
        /// Median over repetitions of the filter's time per chunk, in nanoseconds.
        public var nanosecondsPerChunk: Double
        /// The fastest repetition's time per chunk, in nanoseconds.
        public var bestNanosecondsPerChunk: Double
        /// Scanner calls per answer.
        public var scansPerAnswer: Int
        /// The most bytes held back at once.
        public var maximumHeldBytes: Int

        /// The share of decode time the filter adds at `tokensPerSecond`, one chunk per token
        /// (0.01 is 1%).
        public func share(ofTokensPerSecond tokensPerSecond: Double) -> Double {
            nanosecondsPerChunk * tokensPerSecond / 1e9
        }
    }

    /// The answer streamed.
    public var text: String
    /// Most bytes per chunk (a chunk never splits a character).
    public var chunkBytes: Int
    /// Times the answer is filtered; the median is reported.
    public var repetitions: Int

    /// Creates a benchmark; the default answer is ``sampleAnswer``, repeated 4 times (2.5 KB). Under a
    /// policy that blocks one of its values (``GuardPolicy/strict`` blocks the card) the answer ends there: pass
    /// a text without them to time such a policy over a whole answer.
    public init(text: String? = nil, chunkBytes: Int = 4, repetitions: Int = 50) {
        self.text = text ?? String(repeating: Self.sampleAnswer, count: 4)
        self.chunkBytes = max(1, chunkBytes)
        self.repetitions = max(1, repetitions)
    }

    /// A model's answer of prose, a list, code and a few values the standard policy masks.
    public static let sampleAnswer = """
        Sure, here is a summary of the deployment steps for the team.

        1. Install the package on the build host (version 2.4.1 or later) and run the migration.
        2. Send the report to ops-team@example.com and call +44 20 7946 0958 if the job fails.
        3. The staging card for test payments is 4242 4242 4242 4242; never use it in production.

        ```swift
        let client = Client(baseURL: URL(string: "https://api.example.com/v1")!, timeout: .seconds(30))
        for item in try await client.list(limit: 100) where item.isActive { print(item.id, item.name) }
        ```

        Let me know if you need the rollback plan as well; it takes about ten minutes per region.

        """

    /// Cuts the answer into chunks of at most ``chunkBytes`` UTF-8 bytes on character boundaries.
    public func chunks() -> [String] {
        var chunks: [String] = []
        var current = ""
        var currentBytes = 0
        for character in text {
            let size = character.utf8.count
            if currentBytes + size > chunkBytes, !current.isEmpty {
                chunks.append(current)
                current = ""
                currentBytes = 0
            }
            current.append(character)
            currentBytes += size
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    /// Runs the benchmark: `vault` is the request's (pass one with restorable values to time restoration).
    public func run(
        policy: GuardPolicy,
        scanner: any SensitiveTextScanning,
        vault: PseudonymVault? = nil,
        canary: GuardCanary? = GuardCanary()
    ) -> Result {
        let chunks = chunks()
        let counting = CountingScanner(base: scanner)
        let clock = ContinuousClock()
        var times: [Double] = []
        var maximumHeld = 0
        var sink = 0
        for _ in 0..<repetitions {
            var stream = StreamingGuard(
                policy: policy,
                scanner: counting,
                vault: vault ?? PseudonymVault(mode: policy.redaction, salt: 1),
                canary: canary
            )
            let started = clock.now
            for chunk in chunks { sink &+= stream.feed(chunk).text.utf8.count }
            sink &+= stream.finish().text.utf8.count
            let elapsed = clock.now - started
            let (seconds, attoseconds) = elapsed.components
            times.append((Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(chunks.count))
            maximumHeld = max(maximumHeld, stream.maximumHeld)
        }
        times.sort()
        precondition(sink >= 0)
        return Result(
            chunks: chunks.count,
            bytes: text.utf8.count,
            repetitions: repetitions,
            nanosecondsPerChunk: times[times.count / 2],
            bestNanosecondsPerChunk: times[0],
            scansPerAnswer: counting.calls / repetitions,
            maximumHeldBytes: maximumHeld
        )
    }
}
