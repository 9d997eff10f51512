// Enclave bench: the cost of scanning a prompt with every guardrail detector.

public import EnclaveGuard

/// Times ``GuardScanner`` over realistic prompts of a given size (prose, code, logs and configuration
/// mixed), in two sets: clean prompts, and prompts that carry an e-mail address, a phone number, a card
/// number, an IBAN, an IP address, a secret and an injection phrase. Each prompt is scanned for every
/// entity, the way the input guard scans.
public struct GuardrailBench: Sendable {
    /// The timings of one set of prompts.
    public struct Result: Sendable, Codable {
        /// `clean` or `with_findings`.
        public var set: String
        /// The prompt size in UTF-8 bytes (each prompt is cut to it on a character boundary).
        public var bytes: Int
        /// Scans timed.
        public var scans: Int
        /// Median time per scan, in microseconds.
        public var p50Microseconds: Double
        /// 99th percentile, in microseconds.
        public var p99Microseconds: Double
        /// Mean findings per prompt.
        public var findingsPerScan: Double

        enum CodingKeys: String, CodingKey {
            case set, bytes, scans
            case p50Microseconds = "p50_us"
            case p99Microseconds = "p99_us"
            case findingsPerScan = "findings_per_scan"
        }
    }

    /// The prompt size.
    public var bytes: Int
    /// Scans timed per set (after as many untimed warm-up scans as there are distinct prompts).
    public var scans: Int
    /// Distinct prompts per set.
    public var prompts: Int

    /// Creates a bench.
    public init(bytes: Int = 2048, scans: Int = 5000, prompts: Int = 64) {
        self.bytes = bytes
        self.scans = scans
        self.prompts = prompts
    }

    /// Runs both sets.
    public func run() -> [Result] {
        let scanner = GuardScanner()
        return [("clean", false), ("with_findings", true)].map { name, sensitive in
            let texts = (0..<prompts).map {
                GuardrailBenchText.prompt(seed: UInt64($0) &+ (sensitive ? 1000 : 0), bytes: bytes, sensitive: sensitive)
            }
            for text in texts { _ = scanner.findings(in: text) }
            var found = 0
            let clock = ContinuousClock()
            var samples: [Double] = []
            samples.reserveCapacity(scans)
            for index in 0..<scans {
                let text = texts[index % texts.count]
                let start = clock.now
                let findings = scanner.findings(in: text)
                let elapsed = clock.now - start
                found += findings.count
                samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
            }
            return Result(
                set: name,
                bytes: bytes,
                scans: scans,
                p50Microseconds: Statistics.median(samples),
                p99Microseconds: Statistics.percentile(samples, 99),
                findingsPerScan: Double(found) / Double(scans)
            )
        }
    }
}
